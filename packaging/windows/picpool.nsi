; PicPool's Windows installer (NSIS 3: Debian's nsis package, makensis).
; packaging/package.sh windows builds it after the .exe:
;   makensis -DVERSION=0.1.0 -DVIVERSION=0.1.0.0 -DEXE=PicPool.exe
;            -DICON=picpool.ico -DLICENCES=THIRD-PARTY-LICENSES.txt -DOUTFILE=setup.exe picpool.nsi
;
; A per-user install: no administrator rights, nothing outside the user's
; profile. It installs into %LOCALAPPDATA%\Programs\PicPool, adds a Start
; menu entry, optionally a desktop shortcut, "Open with PicPool" for image
; files and folders (HKCU\Software\Classes), `picpool` for Win+R (App Paths),
; and an uninstaller that Windows lists in Settings > Apps (HKCU Uninstall
; key). The uninstaller removes exactly that.
;
; Silent use: setup.exe /S [/DESKTOP] [/D=C:\path] and uninstall.exe /S.
; packaging/windows-check.sh tests all of it under Wine.

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh

!define APP "PicPool"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PicPool"
!define APPPATHS "Software\Microsoft\Windows\CurrentVersion\App Paths\picpool.exe"
!define CLASSES "Software\Classes"
!define PROGID "PicPool.Image"
!define VERB "OpenWithPicPool"
!define HKCU_ROOT 0x80000001

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VIVERSION}"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} ${VERSION} setup"
VIAddVersionKey "CompanyName" "The PicPool authors"
VIAddVersionKey "LegalCopyright" "The PicPool authors"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\picpool.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; The file types offered "Open with PicPool": what PicPool reads.
!macro ForEachImageType MACRO
	!insertmacro ${MACRO} ".jpg"
	!insertmacro ${MACRO} ".jpeg"
	!insertmacro ${MACRO} ".jpe"
	!insertmacro ${MACRO} ".png"
	!insertmacro ${MACRO} ".gif"
	!insertmacro ${MACRO} ".bmp"
	!insertmacro ${MACRO} ".tif"
	!insertmacro ${MACRO} ".tiff"
	!insertmacro ${MACRO} ".webp"
	!insertmacro ${MACRO} ".heic"
	!insertmacro ${MACRO} ".heif"
	!insertmacro ${MACRO} ".hif"
	!insertmacro ${MACRO} ".avif"
!macroend

; PicPool joins the type's "Open with" list (OpenWithProgids) and lists the
; type as one it supports; the user's default program is left alone.
!macro AddType EXT
	WriteRegStr HKCU "${CLASSES}\${EXT}\OpenWithProgids" "${PROGID}" ""
	WriteRegStr HKCU "${CLASSES}\Applications\picpool.exe\SupportedTypes" "${EXT}" ""
!macroend
!macro RemoveType EXT
	DeleteRegValue HKCU "${CLASSES}\${EXT}\OpenWithProgids" "${PROGID}"
	!insertmacro DeleteIfEmpty "${CLASSES}\${EXT}\OpenWithProgids"
	!insertmacro DeleteIfEmpty "${CLASSES}\${EXT}"
!macroend

; DeleteIfEmpty removes a key only when it has neither subkeys nor values
; (SHDeleteEmptyKey): keys other programs also use stay.
!macro DeleteIfEmpty KEY
	System::Call 'shlwapi::SHDeleteEmptyKeyW(p ${HKCU_ROOT}, w "${KEY}") i'
!macroend

; A context-menu verb "Open with PicPool" under KEY, passing ARG.
!macro AddVerb KEY ARG
	WriteRegStr HKCU "${CLASSES}\${KEY}\shell\${VERB}" "" "Open with ${APP}"
	WriteRegStr HKCU "${CLASSES}\${KEY}\shell\${VERB}" "Icon" "$INSTDIR\picpool.exe,0"
	WriteRegStr HKCU "${CLASSES}\${KEY}\shell\${VERB}\command" "" '"$INSTDIR\picpool.exe" "${ARG}"'
!macroend
!macro RemoveVerb KEY
	DeleteRegKey HKCU "${CLASSES}\${KEY}\shell\${VERB}"
	!insertmacro DeleteIfEmpty "${CLASSES}\${KEY}\shell"
	!insertmacro DeleteIfEmpty "${CLASSES}\${KEY}"
!macroend

Section "${APP}" SecApp
	SectionIn RO
	SetOutPath "$INSTDIR"
	File "/oname=picpool.exe" "${EXE}"
	; The licences of the third-party software inside picpool.exe.
	File "/oname=THIRD-PARTY-LICENSES.txt" "${LICENCES}"
	WriteUninstaller "$INSTDIR\uninstall.exe"

	CreateShortCut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\picpool.exe" "" "$INSTDIR\picpool.exe" 0 \
		SW_SHOWNORMAL "" "Batch image processing on every core"

	; Open with: an application entry, a ProgID for image files, and the verb
	; on every image (SystemFileAssociations\image) and on folders.
	WriteRegStr HKCU "${CLASSES}\Applications\picpool.exe" "FriendlyAppName" "${APP}"
	WriteRegStr HKCU "${CLASSES}\Applications\picpool.exe\DefaultIcon" "" "$INSTDIR\picpool.exe,0"
	WriteRegStr HKCU "${CLASSES}\Applications\picpool.exe\shell\open\command" "" '"$INSTDIR\picpool.exe" "%1"'
	WriteRegStr HKCU "${CLASSES}\${PROGID}" "" "Image (${APP})"
	WriteRegStr HKCU "${CLASSES}\${PROGID}\DefaultIcon" "" "$INSTDIR\picpool.exe,0"
	WriteRegStr HKCU "${CLASSES}\${PROGID}\shell\open" "" "Open with ${APP}"
	WriteRegStr HKCU "${CLASSES}\${PROGID}\shell\open\command" "" '"$INSTDIR\picpool.exe" "%1"'
	!insertmacro ForEachImageType AddType
	!insertmacro AddVerb "SystemFileAssociations\image" "%1"
	!insertmacro AddVerb "Directory" "%1"
	!insertmacro AddVerb "Directory\Background" "%V"

	WriteRegStr HKCU "${APPPATHS}" "" "$INSTDIR\picpool.exe"

	; Settings > Apps (and Programs and Features) list it from here.
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APP}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "The PicPool authors"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\picpool.exe,0"
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegStr HKCU "${UNINSTKEY}" "URLInfoAbout" "https://github.com/picpool/picpool"
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	IntFmt $0 "0x%08X" $0
	WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"

	; Explorer re-reads the associations.
	System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section /o "Desktop shortcut" SecDesktop
	CreateShortCut "$DESKTOP\${APP}.lnk" "$INSTDIR\picpool.exe" "" "$INSTDIR\picpool.exe" 0
SectionEnd

; /DESKTOP on the command line ticks the desktop shortcut (for /S).
Function .onInit
	${GetParameters} $0
	ClearErrors
	${GetOptions} $0 "/DESKTOP" $1
	${IfNot} ${Errors}
		SectionSetFlags ${SecDesktop} ${SF_SELECTED}
	${EndIf}
FunctionEnd

Section "Uninstall"
	Delete "$INSTDIR\picpool.exe"
	Delete "$INSTDIR\THIRD-PARTY-LICENSES.txt"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	RMDir "$LOCALAPPDATA\Programs" ; only if empty, as the install may have made it
	Delete "$SMPROGRAMS\${APP}.lnk"
	Delete "$DESKTOP\${APP}.lnk"

	!insertmacro ForEachImageType RemoveType
	!insertmacro RemoveVerb "SystemFileAssociations\image"
	!insertmacro DeleteIfEmpty "${CLASSES}\SystemFileAssociations"
	!insertmacro RemoveVerb "Directory\Background"
	!insertmacro RemoveVerb "Directory"
	DeleteRegKey HKCU "${CLASSES}\${PROGID}"
	DeleteRegKey HKCU "${CLASSES}\Applications\picpool.exe"
	!insertmacro DeleteIfEmpty "${CLASSES}\Applications"
	DeleteRegKey HKCU "${APPPATHS}"
	!insertmacro DeleteIfEmpty "Software\Microsoft\Windows\CurrentVersion\App Paths"
	DeleteRegKey HKCU "${UNINSTKEY}"
	!insertmacro DeleteIfEmpty "Software\Microsoft\Windows\CurrentVersion\Uninstall"
	System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
