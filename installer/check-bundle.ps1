# The frozen program's checks on Windows: the PowerShell twin of the checks in scripts/build-bundle
# (keep the two in step). Run from the repository root after PyInstaller has built dist\branchdesk\:
#
#   pwsh -File installer\check-bundle.ps1
#
# The bundle carries its migrations, font (with licence) and icon; branchdesk-cli.exe (the same program
# with a console) creates a database, opens its window offscreen (--smoke), writes demo data, exports the
# roster, backs up, and upgrades a database of the first schema (backup first, every row kept).
# Exit status 0 when everything passed; the first failure stops it with a message.

$ErrorActionPreference = 'Stop'
# The program writes UTF-8 (UTF-8 mode, see build.spec); read its output as such.
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$OutputEncoding = [System.Text.Encoding]::UTF8

$root = Split-Path -Parent $PSScriptRoot
$bundle = Join-Path $root 'dist\branchdesk'
$cli = Join-Path $bundle 'branchdesk-cli.exe'

function Fail([string]$message) {
    [Console]::Error.WriteLine("check-bundle: $message")
    exit 1
}

foreach ($part in @(
        'branchdesk.exe',
        'branchdesk-cli.exe',
        '_internal\branchdesk\db\migrations\versions\0001_initial.py',
        '_internal\resources\fonts\wqy-microhei.ttc',
        '_internal\resources\fonts\wqy-microhei.LICENSE-Apache-2.0.txt',
        '_internal\resources\icons\branchdesk.ico')) {
    if (-not (Test-Path (Join-Path $bundle $part))) { Fail "missing from the bundle: $part" }
}
$size = (Get-ChildItem $bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("check-bundle: bundle {0:N0} MB" -f $size)

$work = Join-Path ([System.IO.Path]::GetTempPath()) ("branchdesk-check-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $work | Out-Null
$env:BRANCHDESK_DATA_DIR = Join-Path $work 'data'
Remove-Item Env:BRANCHDESK_DB -ErrorAction SilentlyContinue
$db = Join-Path $work 'smoke.sqlite'

function Invoke-Frozen([string[]]$Arguments) {
    # run branchdesk-cli.exe with the given arguments; show its output; stop on a non-zero exit
    $ErrorActionPreference = 'Continue'  # its stderr is output to show, not a PowerShell error
    $output = & $cli @Arguments 2>&1 | Out-String
    $status = $LASTEXITCODE
    $output.TrimEnd() -split "`r?`n" | ForEach-Object { Write-Host "    $_" }
    if ($status -ne 0) { Fail "'branchdesk $($Arguments -join ' ')' exited with $status" }
    return $output
}

try {
    Push-Location $work
    $env:QT_QPA_PLATFORM = 'offscreen'

    Write-Host 'check-bundle: frozen smoke check on an empty database'
    $out = Invoke-Frozen @('--db', $db, '--smoke')
    if ($out -notmatch '(?m)^smoke ok') { Fail "no 'smoke ok' line" }

    Write-Host 'check-bundle: frozen command line (demo data, roster export, backup)'
    Invoke-Frozen @('--db', $db, 'demo', '--members', '40', '--seed', '7') | Out-Null
    Invoke-Frozen @('--db', $db, 'export', 'roster', '--format', 'xlsx', '-o', (Join-Path $work 'roster.xlsx')) | Out-Null
    if (-not ((Get-Item (Join-Path $work 'roster.xlsx')).Length -gt 0)) { Fail 'no roster exported' }
    Invoke-Frozen @('--db', $db, 'backup', '-o', (Join-Path $work 'backup.sqlite')) | Out-Null
    if (-not (Test-Path (Join-Path $work 'backup.sqlite'))) { Fail 'no backup written' }

    $help = & $cli export --help 2>$null | Out-String
    if ($help -match 'pdf') {
        $pdf = Join-Path $work 'roster.pdf'
        Invoke-Frozen @('--db', $db, 'export', 'roster', '--format', 'pdf', '-o', $pdf) | Out-Null
        $head = [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($pdf), 0, 5)
        if ($head -ne '%PDF-') { Fail 'no PDF roster exported' }
    } else {
        Write-Host 'check-bundle: (this version has no PDF export yet)'
    }

    Write-Host 'check-bundle: frozen upgrade of a database of the first schema'
    $oldDir = Join-Path $work 'old'
    New-Item -ItemType Directory -Path $oldDir | Out-Null
    $old = Join-Path $oldDir 'branchdesk.sqlite'
    $original = Join-Path $root 'tests\db\fixtures\schema-0001.sqlite'
    Copy-Item $original $old
    $oldRoster = Join-Path $work 'old-roster.xlsx'
    Invoke-Frozen @('--db', $old, 'export', 'roster', '--format', 'xlsx', '-o', $oldRoster) | Out-Null
    $python = Join-Path $root '.venv\Scripts\python.exe'
    if (-not (Test-Path $python)) { $python = 'python' }
    & $python (Join-Path $root 'scripts\check_upgraded_db.py') $original $old (Join-Path $oldDir 'backups') $oldRoster
    if ($LASTEXITCODE -ne 0) { Fail 'the upgrade of the old database failed its checks' }

    # An encrypted database (issue 19; the twin of scripts/build-bundle's check): the first account from the
    # command line, encrypt, open it only with the password (commands, backup, the window), refuse a wrong
    # one with exit 2, decrypt.
    Write-Host 'check-bundle: frozen encryption (users add, encrypt, open with the password, backup, decrypt)'
    $encDir = Join-Path $work 'enc'
    New-Item -ItemType Directory -Path $encDir | Out-Null
    $enc = Join-Path $encDir 'branchdesk.sqlite'
    Copy-Item $db $enc
    $pw = Join-Path $work 'pw.txt'
    $bad = Join-Path $work 'bad.txt'
    Set-Content -Path $pw -Value 'Bundle-2026' -Encoding utf8NoBOM
    Set-Content -Path $bad -Value 'Wrong-pass-1' -Encoding utf8NoBOM
    $env:BRANCHDESK_NEW_PASSWORD_FILE = $pw
    Invoke-Frozen @('--db', $enc, 'users', 'add', 'shuji', '--role', '管理员') | Out-Null
    Remove-Item Env:BRANCHDESK_NEW_PASSWORD_FILE
    $env:BRANCHDESK_USER = 'shuji'
    $env:BRANCHDESK_PASSWORD_FILE = $pw
    Invoke-Frozen @('--db', $enc, 'encrypt') | Out-Null
    if (-not (Test-Path "$enc.keys")) { Fail 'no key file beside the encrypted database' }
    $head = [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($enc), 0, 15)
    if ($head -eq 'SQLite format 3') { Fail 'the encrypted database is readable' }
    Invoke-Frozen @('--db', $enc, 'check') | Out-Null
    Invoke-Frozen @('--db', $enc, 'backup', '-o', (Join-Path $work 'enc-backup.sqlite')) | Out-Null
    if (-not (Test-Path (Join-Path $work 'enc-backup.sqlite.keys'))) { Fail 'the encrypted backup has no key file' }
    $out = Invoke-Frozen @('--db', $enc, '--smoke')
    if ($out -notmatch '(?m)^smoke ok: members=[1-9]') { Fail 'the window did not open the encrypted database' }
    $env:BRANCHDESK_PASSWORD_FILE = $bad
    $ErrorActionPreference = 'Continue'
    $wrong = & $cli --db $enc check 2>&1 | Out-String
    $status = $LASTEXITCODE
    $ErrorActionPreference = 'Stop'
    if ($status -ne 2 -or $wrong.Trim() -ne '错误：用户名或密码不正确，无法打开加密的数据库。') { Fail "a wrong password gave exit $status and: $wrong" }
    $env:BRANCHDESK_PASSWORD_FILE = $pw
    Invoke-Frozen @('--db', $enc, 'decrypt') | Out-Null
    if (Test-Path "$enc.keys") { Fail 'decrypt left the key file' }
    Remove-Item Env:BRANCHDESK_USER
    Remove-Item Env:BRANCHDESK_PASSWORD_FILE

    Write-Host 'check-bundle: frozen smoke check on the demo database'
    $out = Invoke-Frozen @('--db', $db, '--smoke')
    if ($out -notmatch '(?m)^smoke ok: members=[1-9]') { Fail 'the window did not show the demo members' }
    Write-Host 'check-bundle: checks passed'
}
finally {
    Pop-Location
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
