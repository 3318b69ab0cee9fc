package processing

import "strings"

// NaturalLess orders names the way people count: runs of digits compare as
// numbers ("img_2" before "img_10", "a9" before "a10"), other text without
// regard to case; names equal that way (img_01 and img_1, A and a) fall
// back to plain byte order, so the order is total and stable.
func NaturalLess(a, b string) bool {
	if c := naturalCompare(a, b); c != 0 {
		return c < 0
	}
	return a < b
}

func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			da, db := digitRun(a), digitRun(b)
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			switch {
			case len(na) != len(nb):
				return cmpInt(len(na), len(nb))
			case na != nb:
				return strings.Compare(na, nb)
			}
			a, b = a[da:], b[db:]
			continue
		}
		ca, cb := lowerASCII(a[0]), lowerASCII(b[0])
		if ca != cb {
			return cmpInt(int(ca), int(cb))
		}
		a, b = a[1:], b[1:]
	}
	return cmpInt(len(a), len(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
