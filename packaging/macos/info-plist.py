#!/usr/bin/env python3
"""Fixes and checks the Info.plist of PicPool.app (Python's plistlib: runs on
macOS and on Linux alike; packaging/macos_test.go runs it on Linux).

  info-plist.py fix   APP.app            after `fyne package -os darwin`
  info-plist.py check APP.app VERSION ID before the .dmg is made

fix sets what fyne's template gets wrong for PicPool: LSMinimumSystemVersion
(fyne writes 10.11; Go 1.26 programs need macOS 12) and the App Store
category (fyne leaves it empty: "public.app-category.").
check reads every key a Mac needs to show and start the app, and that the
files they name exist: the executable, the icon (an .icns file).
"""
import os
import plistlib
import sys

MIN_MACOS = "12.0"
CATEGORY = "public.app-category.photography"


def load(app):
    with open(os.path.join(app, "Contents", "Info.plist"), "rb") as f:
        return plistlib.load(f)


def fix(app):
    path = os.path.join(app, "Contents", "Info.plist")
    info = load(app)
    info["LSMinimumSystemVersion"] = MIN_MACOS
    info["LSApplicationCategoryType"] = CATEGORY
    with open(path, "wb") as f:
        plistlib.dump(info, f)
    print(f"{path}: LSMinimumSystemVersion {MIN_MACOS}, LSApplicationCategoryType {CATEGORY}")


def check(app, version, app_id):
    info = load(app)
    problems = []

    def want(key, value=None):
        got = info.get(key)
        if got is None or got == "":
            problems.append(f"{key} is missing")
        elif value is not None and got != value:
            problems.append(f"{key} is {got!r}, want {value!r}")
        return got

    want("CFBundleIdentifier", app_id)
    want("CFBundleName", "PicPool")
    want("CFBundleShortVersionString", version)
    want("CFBundlePackageType", "APPL")
    want("CFBundleInfoDictionaryVersion", "6.0")
    want("CFBundleVersion")
    want("NSHighResolutionCapable", True)
    want("LSMinimumSystemVersion", MIN_MACOS)
    want("LSApplicationCategoryType", CATEGORY)
    exe = want("CFBundleExecutable")
    if exe:
        p = os.path.join(app, "Contents", "MacOS", exe)
        if not (os.path.isfile(p) and os.access(p, os.X_OK)):
            problems.append(f"CFBundleExecutable {exe}: no executable {p}")
    icon = want("CFBundleIconFile")
    if icon:
        p = os.path.join(app, "Contents", "Resources", icon)
        try:
            with open(p, "rb") as f:
                head = f.read(8)
            if head[:4] != b"icns" or int.from_bytes(head[4:8], "big") != os.path.getsize(p):
                problems.append(f"CFBundleIconFile {icon} is not an icns file")
        except OSError as e:
            problems.append(f"CFBundleIconFile {icon}: {e}")
    for p in problems:
        print(f"Info.plist: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"Info.plist: {app_id} {version} (build {info['CFBundleVersion']}), executable {exe}, "
          f"icon {icon}, macOS {MIN_MACOS} or later")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "fix":
        fix(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "check":
        sys.exit(check(*sys.argv[2:]))
    else:
        sys.exit(__doc__)
