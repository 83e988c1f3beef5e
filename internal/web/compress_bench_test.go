package web

import (
	"os"
	"testing"
)

// BenchmarkCompressOnce measures what keeping a page costs per coding and level, on an item page
// saved from the demo (STARBOARD_BENCH_PAGE, e.g. curl -o /tmp/item.html .../c/books/book-51).
func BenchmarkCompressOnce(b *testing.B) {
	page, err := os.ReadFile(os.Getenv("STARBOARD_BENCH_PAGE"))
	if err != nil {
		b.Skip("STARBOARD_BENCH_PAGE names no readable page")
	}
	for _, bc := range []struct {
		name  string
		e     encoding
		level int
	}{
		{"br4", brotliCoding, 4}, {"br5", brotliCoding, 5}, {"br6", brotliCoding, 6}, {"br11", brotliCoding, 11},
		{"gzip6", gzipCoding, 6}, {"gzip9", gzipCoding, 9}, {"zstd-default", zstdCoding, int(keptZstdLevel)},
		{"zstd-static", zstdCoding, int(staticZstdLevel)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(compressOnce(bc.e, page, bc.level))
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
