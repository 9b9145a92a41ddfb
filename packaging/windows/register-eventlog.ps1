# Register HospiDesk's Windows Event Log source, once per workstation, as Administrator.
#
# The audit trail's mirror (policy.toml: [audit] forward = "eventlog") writes each record and
# checkpoint to the Application log under this source. Only an administrator can create a
# source; until it exists HospiDesk keeps every record locally and records
# "audit_forward_failed". Run it from the installer (MSI custom action, Intune, GPO startup
# script) with the identifier set in [audit] identifier (default "hospidesk").
#
#   powershell -ExecutionPolicy Bypass -File register-eventlog.ps1 [-Source hospidesk]
#
# New-EventLog also points the source's EventMessageFile at .NET's EventLogMessages.dll, so the
# Event Viewer shows each event's JSON line as its text (event id 1000).
param([string]$Source = "hospidesk")

$ErrorActionPreference = "Stop"
if ($Source -notmatch '^[A-Za-z0-9._-]{1,48}$') {
    throw "Invalid source name: $Source"
}
if ([System.Diagnostics.EventLog]::SourceExists($Source)) {
    Write-Output "Event Log source '$Source' already registered."
    exit 0
}
New-EventLog -LogName Application -Source $Source
Write-Output "Event Log source '$Source' registered in the Application log."
