package web

import (
	"bytes"
	"io"
	"math/bits"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// encoding is a content coding an answer can travel in.
type encoding uint8

const (
	identity encoding = iota
	brotliCoding
	zstdCoding
	gzipCoding
	numEncodings
)

// String returns the coding's name as Content-Encoding says it ("" for identity).
func (e encoding) String() string { return [...]string{"", "br", "zstd", "gzip"}[e] }

// etagSuffix tells the variants of one answer apart inside its entity tag: "3f2a9c-br".
func (e encoding) etagSuffix() string { return [...]string{"", "-br", "-zst", "-gz"}[e] }

// minCompressBytes: smaller bodies travel as they are; a compressed frame would save a few dozen
// bytes at most, less than one packet.
const minCompressBytes = 1024

// Coding preferences among those a client rates equally. What is compressed once (kept pages,
// static files) prefers brotli, the smallest; what is compressed per answer prefers zstd, which
// at its fastest level is several times faster than brotli for the same size.
var (
	storedOrder  = []encoding{brotliCoding, zstdCoding, gzipCoding}
	dynamicOrder = []encoding{zstdCoding, brotliCoding, gzipCoding}
)

// Levels. Static files are compressed once at start-up, small: brotli and gzip at their best;
// zstd one step below, since its best level allocates 36 MB of tables for one stylesheet, which
// start-up's peak memory would show, and browsers that take zstd take brotli too.
// Kept pages are compressed when first rendered, so the level keeps that first answer fast
// (brotli 5: 43 KB item page → 3.1 KB in about 1 ms; 11 makes 2.7 KB in about 40 ms). Answers
// compressed on the fly use the fast levels.
const (
	staticBrotliLevel  = brotli.BestCompression
	staticGzipLevel    = gzip.BestCompression
	staticZstdLevel    = zstd.SpeedBetterCompression
	keptBrotliLevel    = 5
	keptGzipLevel      = 6
	keptZstdLevel      = zstd.SpeedDefault
	dynamicBrotliLevel = 3
	dynamicGzipLevel   = 5
	dynamicZstdLevel   = zstd.SpeedFastest
)

// negotiate returns the coding to answer in, from an Accept-Encoding header: the coding the
// client rates highest (q), ties going to the first in order; identity when the client names
// none it accepts. A coding not named takes the q of "*", if given, else it is refused.
func negotiate(header string, order []encoding) encoding {
	if header == "" {
		return identity
	}
	var q [numEncodings]float64
	star := -1.0
	var named [numEncodings]bool
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		v := 1.0
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 {
					f = 0
				}
				v = f
			}
		}
		var e encoding
		switch {
		case strings.EqualFold(name, "br"):
			e = brotliCoding
		case strings.EqualFold(name, "zstd"):
			e = zstdCoding
		case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
			e = gzipCoding
		case name == "*":
			star = v
			continue
		default:
			continue
		}
		named[e] = true
		q[e] = v
	}
	best, bestQ := identity, 0.0
	for _, e := range order {
		v := q[e]
		if !named[e] && star > 0 {
			v = star
		}
		if v > bestQ {
			best, bestQ = e, v
		}
	}
	return best
}

// compressible reports whether answers of this media type are text worth compressing.
func compressible(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	switch mt {
	case "application/json", "application/problem+json", "application/atom+xml", "application/xml",
		"application/rss+xml", "application/javascript", "application/manifest+json",
		"application/vnd.oai.openapi+json", "image/svg+xml":
		return true
	}
	return strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml")
}

// compressOnce returns body in coding e at level (the coding's own scale; for zstd a
// zstd.EncoderLevel), for answers compressed once and kept. Kept pages' levels use pooled
// encoders: a new brotli or gzip encoder allocates about a megabyte of tables.
func compressOnce(e encoding, body []byte, level int) []byte {
	if e == identity {
		return body
	}
	if level == keptLevel(e) {
		// Compressed into a pooled buffer and copied out at its size: a kept page holds, and the
		// budget counts, no spare capacity.
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer bufPool.Put(buf)
		w := getEncoder(keptEncoders, e, buf)
		w.Write(body)
		w.Close()
		putEncoder(keptEncoders, e, w)
		return bytes.Clone(buf.Bytes())
	}
	var buf bytes.Buffer
	var w io.WriteCloser
	switch e {
	case brotliCoding:
		// A window no larger than the body: at quality 11 the default 4 MiB window costs about
		// 38 MB of tables for an 18 KB stylesheet, which start-up's peak memory would show.
		w = brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: level, LGWin: min(max(bits.Len(uint(len(body))), 10), 24)})
	case gzipCoding:
		w, _ = gzip.NewWriterLevel(&buf, level)
	case zstdCoding:
		w, _ = zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.EncoderLevel(level)), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(max(1<<bits.Len(uint(len(body))), zstd.MinWindowSize)), zstd.WithLowerEncoderMem(true))
	}
	w.Write(body)
	w.Close()
	return buf.Bytes()
}

// keptLevel returns the level kept pages are compressed at in coding e.
func keptLevel(e encoding) int {
	switch e {
	case gzipCoding:
		return keptGzipLevel
	case zstdCoding:
		return int(keptZstdLevel)
	}
	return keptBrotliLevel
}

// decompress returns the identity body of b in coding e.
func decompress(e encoding, b []byte) ([]byte, error) {
	var r io.Reader
	switch e {
	case identity:
		return b, nil
	case brotliCoding:
		r = brotli.NewReader(bytes.NewReader(b))
	case gzipCoding:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r = zr
	case zstdCoding:
		zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	return io.ReadAll(r)
}

// variantTag returns the entity tag of the variant in coding e of the answer tagged tag:
// "abc" → "abc-br"; W/"abc" → W/"abc-br".
func variantTag(tag string, e encoding) string {
	if e == identity || len(tag) < 2 || tag[len(tag)-1] != '"' {
		return tag
	}
	return tag[:len(tag)-1] + e.etagSuffix() + `"`
}

// streamEncoder is a pooled encoder for answers compressed on the fly.
type streamEncoder interface {
	io.WriteCloser
	Flush() error
}

// encoderPools holds reusable encoders, one pool per coding, all at one set of levels.
type encoderPools [numEncodings]sync.Pool

func newEncoderPools(brLevel, gzLevel int, zsLevel zstd.EncoderLevel) *encoderPools {
	return &encoderPools{
		brotliCoding: {New: func() any { return brotli.NewWriterLevel(nil, brLevel) }},
		gzipCoding: {New: func() any {
			w, _ := gzip.NewWriterLevel(nil, gzLevel)
			return w
		}},
		zstdCoding: {New: func() any {
			w, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zsLevel), zstd.WithEncoderConcurrency(1),
				zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true))
			return w
		}},
	}
}

var (
	dynamicEncoders = newEncoderPools(dynamicBrotliLevel, dynamicGzipLevel, dynamicZstdLevel)
	keptEncoders    = newEncoderPools(keptBrotliLevel, keptGzipLevel, keptZstdLevel)
)

func getEncoder(pools *encoderPools, e encoding, w io.Writer) streamEncoder {
	switch enc := pools[e].Get().(type) {
	case *brotli.Writer:
		enc.Reset(w)
		return enc
	case *gzip.Writer:
		enc.Reset(w)
		return enc
	case *zstd.Encoder:
		enc.Reset(w)
		return enc
	}
	return nil
}

func putEncoder(pools *encoderPools, e encoding, enc streamEncoder) {
	switch x := enc.(type) {
	case *brotli.Writer:
		x.Reset(nil)
	case *gzip.Writer:
		x.Reset(io.Discard)
	case *zstd.Encoder:
		x.Reset(nil)
	}
	pools[e].Put(enc)
}

// compressAnswers compresses every text answer on the fly, for clients that ask, unless the
// handler already chose a coding (kept pages and static files carry variants made once). It
// adds Vary: Accept-Encoding to every answer of a compressible type, and sets who may keep a
// copy (sharedCaching).
func (srv *Server) compressAnswers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := writerPool.Get().(*compressWriter)
		*cw = compressWriter{ResponseWriter: w, srv: srv, r: r, buf: cw.buf[:0]}
		if r.Method != http.MethodHead && r.Header.Get("Range") == "" {
			cw.enc = negotiate(r.Header.Get("Accept-Encoding"), dynamicOrder)
		}
		if cw.enc != identity {
			cw.widenIfNoneMatch()
		}
		defer func() {
			cw.finish()
			cw.ResponseWriter, cw.r, cw.srv = nil, nil, nil
			if cap(cw.buf) <= 4*minCompressBytes {
				writerPool.Put(cw)
			}
		}()
		next.ServeHTTP(cw, r)
	})
}

var writerPool = sync.Pool{New: func() any { return &compressWriter{buf: make([]byte, 0, minCompressBytes)} }}

// compressWriter holds back the first minCompressBytes of an answer until it knows whether it
// is worth compressing, then sends it as it is or through a pooled encoder.
type compressWriter struct {
	http.ResponseWriter
	srv     *Server
	r       *http.Request
	enc     encoding // what the client accepts for an answer compressed on the fly
	status  int
	decided bool
	zw      streamEncoder // nil unless compressing
	buf     []byte        // held back until decided
	widened string        // the suffix taken off If-None-Match tags, see widenIfNoneMatch
}

// widenIfNoneMatch lets a handler that knows only its answer's plain entity tag ("abc") match a
// client holding the compressed variant ("abc-zst"): the plain tag is added to If-None-Match,
// and a 304 then names the variant again.
func (cw *compressWriter) widenIfNoneMatch() {
	inm := cw.r.Header.Get("If-None-Match")
	suffix := cw.enc.etagSuffix() + `"`
	if inm == "" || !strings.Contains(inm, suffix) {
		return
	}
	var extra []string
	for part := range strings.SplitSeq(inm, ",") {
		part = strings.TrimSpace(part)
		if base, ok := strings.CutSuffix(part, suffix); ok {
			extra = append(extra, base+`"`)
		}
	}
	cw.r.Header.Set("If-None-Match", inm+", "+strings.Join(extra, ", "))
	cw.widened = cw.enc.etagSuffix()
}

func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

func (cw *compressWriter) WriteHeader(code int) {
	if cw.decided || cw.status != 0 {
		return
	}
	if code < 200 {
		cw.ResponseWriter.WriteHeader(code)
		return
	}
	cw.status = code
	h := cw.Header()
	// What cannot carry a compressed body is sent now; so is what says its length, when it is
	// too short to be worth it.
	if noBody(code) || h.Get("Content-Encoding") != "" || cw.enc == identity {
		cw.decide(false)
		return
	}
	if cl := h.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		cw.decide(err == nil && n >= minCompressBytes)
	}
}

func noBody(code int) bool {
	return code == http.StatusNoContent || code == http.StatusNotModified || code == http.StatusPartialContent
}

func (cw *compressWriter) Write(b []byte) (int, error) {
	if cw.status == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	if !cw.decided {
		if len(cw.buf)+len(b) < minCompressBytes {
			cw.buf = append(cw.buf, b...)
			return len(b), nil
		}
		cw.decide(true)
	}
	if cw.zw != nil {
		return cw.zw.Write(b)
	}
	return cw.ResponseWriter.Write(b)
}

// Flush sends what is held back and what the encoder holds.
func (cw *compressWriter) Flush() {
	if cw.status == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	if !cw.decided {
		cw.decide(len(cw.buf) > 0)
	}
	if cw.zw != nil {
		cw.zw.Flush()
	}
	http.NewResponseController(cw.ResponseWriter).Flush()
}

// decide sends the header, compressing the body when want and everything allows it, then what
// was held back.
func (cw *compressWriter) decide(want bool) {
	cw.decided = true
	h := cw.Header()
	cw.srv.sharedCaching(h, cw.r, cw.status)
	ctype := h.Get("Content-Type")
	if compressible(ctype) || h.Get("Content-Encoding") != "" {
		addVary(h, "Accept-Encoding")
	}
	if cw.status == http.StatusNotModified && cw.widened != "" {
		if tag := h.Get("ETag"); tag != "" && !strings.HasSuffix(tag, cw.widened+`"`) {
			h.Set("ETag", variantTag(tag, cw.enc))
		}
	}
	if want && cw.enc != identity && !noBody(cw.status) && compressible(ctype) &&
		h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" &&
		!strings.Contains(h.Get("Cache-Control"), "no-transform") {
		h.Set("Content-Encoding", cw.enc.String())
		h.Del("Content-Length")
		if tag := h.Get("ETag"); tag != "" {
			h.Set("ETag", variantTag(tag, cw.enc))
		}
		cw.zw = getEncoder(dynamicEncoders, cw.enc, cw.ResponseWriter)
	}
	cw.ResponseWriter.WriteHeader(cw.status)
	if len(cw.buf) > 0 {
		held := cw.buf
		cw.buf = cw.buf[:0]
		if cw.zw != nil {
			cw.zw.Write(held)
		} else {
			cw.ResponseWriter.Write(held)
		}
	}
}

// finish sends what is still held back and ends the compressed stream.
func (cw *compressWriter) finish() {
	if cw.status == 0 && !cw.decided {
		// The handler wrote nothing: net/http sends 200 with an empty body.
		cw.status = http.StatusOK
	}
	if !cw.decided {
		cw.decide(false)
	}
	if cw.zw != nil {
		cw.zw.Close()
		putEncoder(dynamicEncoders, cw.enc, cw.zw)
		cw.zw = nil
	}
}

// addVary adds a field to Vary unless it is named there already.
func addVary(h http.Header, field string) {
	for _, v := range h.Values("Vary") {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), field) {
				return
			}
		}
	}
	h.Add("Vary", field)
}
