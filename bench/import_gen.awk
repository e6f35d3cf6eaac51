# bench/import_gen.awk - N household responses for bench/import: the three households of
# tests/fixtures/import/responses_ok.csv (82 columns, roster members as members[N]/field, ended_at)
# repeated with a fresh instance_id and household number per row.
#   awk -v n=1000000 -f bench/import_gen.awk tests/fixtures/import/responses_ok.csv
BEGIN { FS = OFS = "," }
NR == 1 { print; next }
{ row[NR - 2] = $0 }
END {
  for (i = 0; i < n; i++) {
    split(row[i % 3], f, ",")
    line = sprintf("%08x-0000-4000-8000-%012x", i, i)
    for (k = 2; k <= length(f); k++)
      line = line OFS (k == 5 ? sprintf("%06d-%02d", i / 100, i % 100) : f[k])
    print line
  }
}
