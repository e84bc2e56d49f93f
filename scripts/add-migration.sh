#!/usr/bin/env bash
# Adds an EF Core migration of HubDbContext to both providers' projects, then checks that neither has
# pending model changes left.
#
#   scripts/add-migration.sh NAME            add migration NAME to src/OpenHubee.Migrations.{Sqlite,Postgres}
#   scripts/add-migration.sh --reset Initial delete every existing migration of both projects first, then add
#                                            "Initial" (before the first release, to regenerate the schema from scratch)
#
# No database server is needed: `migrations add` only reads the model (design-time factories in each project).
set -euo pipefail
cd "$(dirname "$0")/.."

reset=false
if [ "${1:-}" = "--reset" ]; then
  reset=true
  shift
fi
name=${1:-}
if [ -z "$name" ] || [ $# -ne 1 ] || ! [[ "$name" =~ ^[A-Za-z][A-Za-z0-9_]*$ ]]; then
  echo "usage: scripts/add-migration.sh [--reset] NAME   (NAME: a C# identifier, e.g. AddSubscriptionEmail)" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null

providers=(Sqlite Postgres)
if $reset; then
  for provider in "${providers[@]}"; do
    rm -rf "src/OpenHubee.Migrations.$provider/Migrations"
  done
fi

for provider in "${providers[@]}"; do
  project="src/OpenHubee.Migrations.$provider"
  if ls "$project"/Migrations/*_"$name".cs >/dev/null 2>&1; then
    echo "$project already has a migration named $name (use --reset to regenerate from scratch)" >&2
    exit 1
  fi
done

build() {
  for provider in "${providers[@]}"; do
    dotnet build "src/OpenHubee.Migrations.$provider" -v quiet -nologo "-clp:ErrorsOnly;NoSummary"
  done
}

# The migrations projects are their own startup projects: their IDesignTimeDbContextFactory configures the
# context exactly as the service does, without reading the service's configuration or starting it.
ef() {
  local provider=$1; shift
  dotnet ef "$@" --project "src/OpenHubee.Migrations.$provider" --startup-project "src/OpenHubee.Migrations.$provider" \
    --context OpenHubee.Data.HubDbContext --no-build
}

build
for provider in "${providers[@]}"; do
  echo "== $provider: dotnet ef migrations add $name"
  ef "$provider" migrations add "$name" --output-dir Migrations
done

build
for provider in "${providers[@]}"; do
  echo "== $provider: checking for pending model changes"
  ef "$provider" migrations has-pending-model-changes
done

echo "Added $name to both providers. Review src/OpenHubee.Migrations.*/Migrations/ and commit them."
