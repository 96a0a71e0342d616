; Inno Setup 6 script: the Windows installer of branchdesk (党支部工作台).
;
; Built by .github/workflows/release.yml after PyInstaller has made dist\branchdesk\ (build.spec) and the
; frozen program passed its checks. By hand, on Windows, from the repository root:
;
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\branchdesk.iss
;
; gives dist\installer\branchdesk-0.1.0-setup.exe. AppVersion is required (the release workflow reads it
; from pyproject.toml). What the installer does:
; - installs for the current user only, without administrator rights (%LOCALAPPDATA%\Programs\branchdesk);
;   an administrator may choose "for all users" in the first dialog (or /ALLUSERS on the command line);
; - a Start-menu shortcut, and a desktop shortcut unless unticked;
; - speaks Simplified Chinese. ChineseSimplified.isl ships with Inno Setup 6.5 and later; older 6.x releases
;   have it only as an unofficial translation, so a copy placed next to this script is used instead, and
;   without either the installer's own pages stay English (the compiler says so; /DRequireChinese makes
;   that an error, as the release workflow does);
; - an update replaces the program files (the old bundle's _internal folder is removed first, so no file
;   of an older version is left behind); the data folder is never touched: the database, backups and
;   logs live in %LOCALAPPDATA%\branchdesk (see README, "Where the data lives"), not under {app}, and the
;   uninstaller leaves them there and says where they are.

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (x64compatible architectures)
#endif

#ifndef AppVersion
  #error Pass the program's version: ISCC /DAppVersion=X.Y.Z installer\branchdesk.iss (see pyproject.toml)
#endif

#define AppName "branchdesk 党支部工作台"
#define AppExe "branchdesk.exe"
#define Root AddBackslash(SourcePath) + ".."
#ifndef DistDir
  #define DistDir Root + "\dist\branchdesk"
#endif

#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages AddBackslash(SourcePath) + "ChineseSimplified.isl"
#elif Defined(RequireChinese)
  #error ChineseSimplified.isl not found: use Inno Setup 6.5+, or put the translation next to this script
#else
  #pragma message "ChineseSimplified.isl not found: the installer's standard pages will be in English"
#endif

#if !FileExists(DistDir + "\" + AppExe)
  #error The bundle is missing: build it first (pyinstaller build.spec, see README)
#endif

[Setup]
; The AppId identifies the program for updates and uninstalling: never change it.
AppId={{130C3245-1E8D-486D-AA71-9F760B4E6CB3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=branchdesk
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
DefaultDirName={autopf}\branchdesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
SetupIconFile={#Root}\resources\icons\branchdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#Root}\dist\installer
OutputBaseFilename=branchdesk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
CloseApplications=yes
ShowLanguageDialog=no

[Languages]
#ifdef ChineseMessages
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
#else
Name: "english"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
; the program's own words, in Chinese whichever language file was found
DesktopIcon=在桌面上创建快捷方式(&D)
ShortcutsGroup=快捷方式：
LaunchNow=现在打开 branchdesk 党支部工作台
DataKept=卸载已完成。您的数据（数据库、备份和日志）仍保留在：%n%n%1%n%n如不再需要，可以自行删除这个文件夹；重新安装后程序会继续使用其中的数据。

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:ShortcutsGroup}"

[InstallDelete]
; the previous version's bundle: remove it whole so that no file of an older version is loaded
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchNow}"; Flags: nowait postinstall skipifsilent

[Code]
// The data folder is the program's (platformdirs: %LOCALAPPDATA%\branchdesk); the uninstaller removes
// only what it installed, and tells where the data stayed.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\branchdesk');
    if DirExists(DataDir) and not UninstallSilent() then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataDir]), mbInformation, MB_OK);
  end;
end;
