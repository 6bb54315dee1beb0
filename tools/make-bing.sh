#!/bin/sh
# make-bing.sh writes core/lexicon/data/bing.csv, the Bing (Hu and Liu)
# opinion lexicon as Debian's r-cran-tidytext ships it (tidytext::sentiments),
# as "term,category" lines under a header. It needs R; nobody else does,
# because the derived file is committed:
#
#   apt-get install -y r-cran-tidytext r-base-core
#   sh tools/make-bing.sh        # from the module root
set -eu
out=core/lexicon/data/bing.csv
Rscript --vanilla -e '
d <- as.data.frame(tidytext::sentiments)
stopifnot(all(d$sentiment %in% c("positive", "negative")), !any(grepl("[,\"\n]", d$word)))
d <- d[order(d$word, d$sentiment, method = "radix"), ]
cat("term,category\n", sep = "")
cat(paste0(d$word, ",", d$sentiment, "\n"), sep = "")
message("tidytext ", packageVersion("tidytext"), ": ", nrow(d), " entries")
' > "$out.tmp"
mv "$out.tmp" "$out"
