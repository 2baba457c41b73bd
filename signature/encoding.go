package signature

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"io"
	"strings"
	"sync"
)

// The outer encoding of every userSig (reference §1.4):
//
//	userSig = b64swap( zlib( JSON ) )
//	b64swap = std-base64 with '+'→'*', '/'→'-', '='→'_'
//
// Decoding is tolerant on purpose: the Node decoder accepts missing '_'
// padding, and the legacy Node v1 signer emitted plain std-base64 without the
// swap, so both alphabets, padded or not, are accepted.

// swapEncoding is the official `* - _` alphabet.
var swapEncoding = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-").WithPadding('_')

// Limits on outside input: a real userSig is a few hundred bytes, so these
// leave ample room while keeping a zlib bomb or a huge paste harmless.
const (
	// MaxEncodedLen is the longest userSig or privateMapKey accepted, in bytes.
	MaxEncodedLen = 16 << 10
	// MaxDocumentLen is the largest inflated JSON document accepted, in bytes.
	MaxDocumentLen = 64 << 10
)

// DefaultCompressionLevel is the zlib level the Signer uses: NoCompression,
// as the official Go library has since 2024-11 (a stored block, so the output
// stays byte-comparable with it).
const DefaultCompressionLevel = zlib.NoCompression

// A zlib writer costs ~700 KB to build whatever the level, and a reader
// ~40 KB; the signing service and the room service sign and verify on every
// join, so both are pooled (writers per level, -2..9 → index 0..11).
var (
	writerPools [zlib.BestCompression - zlib.HuffmanOnly + 1]sync.Pool
	readerPool  sync.Pool
)

// encodeOuter compresses doc at level and applies the swapped base64.
func encodeOuter(doc []byte, level int) (string, error) {
	if level < zlib.HuffmanOnly || level > zlib.BestCompression {
		return "", inputErr("zlib level %d outside -2..9", level)
	}
	var buf bytes.Buffer
	pool := &writerPools[level-zlib.HuffmanOnly]
	w, _ := pool.Get().(*zlib.Writer)
	if w == nil {
		var err error
		if w, err = zlib.NewWriterLevel(&buf, level); err != nil {
			return "", inputErr("zlib level %d: %v", level, err)
		}
	} else {
		w.Reset(&buf)
	}
	defer pool.Put(w)
	// Writes to a bytes.Buffer cannot fail; Close flushes the final block.
	_, _ = w.Write(doc)
	if err := w.Close(); err != nil {
		return "", err
	}
	return swapEncoding.EncodeToString(buf.Bytes()), nil
}

// decodeBase64 reverses either alphabet, padded or not. Surrounding
// whitespace (a pasted line) is ignored.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, decodeErr("input", "", "empty")
	}
	if len(s) > MaxEncodedLen {
		return nil, decodeErr("input", "", "%d bytes, max %d", len(s), MaxEncodedLen)
	}
	b := []byte(s)
	for i, c := range b {
		switch c {
		case '*':
			b[i] = '+'
		case '-':
			b[i] = '/'
		case '_':
			b[i] = '='
		}
	}
	// Drop padding (at most two) so padded and unpadded decode alike.
	n := len(b)
	for k := 0; k < 2 && n > 0 && b[n-1] == '='; k++ {
		n--
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(n))
	m, err := base64.RawStdEncoding.Decode(out, b[:n])
	if err != nil {
		return nil, decodeErr("base64", "", "%v", err)
	}
	return out[:m], nil
}

// inflate undoes zlib at any level, refusing documents over MaxDocumentLen.
func inflate(b []byte) ([]byte, error) {
	var r io.ReadCloser
	if pooled, _ := readerPool.Get().(io.ReadCloser); pooled != nil {
		if err := pooled.(zlib.Resetter).Reset(bytes.NewReader(b), nil); err != nil {
			readerPool.Put(pooled)
			return nil, decodeErr("zlib", "", "%s", strings.TrimPrefix(err.Error(), "zlib: "))
		}
		r = pooled
	} else {
		var err error
		if r, err = zlib.NewReader(bytes.NewReader(b)); err != nil {
			return nil, decodeErr("zlib", "", "%s", strings.TrimPrefix(err.Error(), "zlib: "))
		}
	}
	defer func() { _ = r.Close(); readerPool.Put(r) }()
	out, err := io.ReadAll(io.LimitReader(r, MaxDocumentLen+1))
	if err != nil {
		return nil, decodeErr("zlib", "", "%s", strings.TrimPrefix(err.Error(), "zlib: "))
	}
	if len(out) > MaxDocumentLen {
		return nil, decodeErr("zlib", "", "inflates past %d bytes", MaxDocumentLen)
	}
	return out, nil
}

// decodeOuter turns a userSig into its JSON document. The legacy v1 form is
// JSON that was never compressed (C++ tries plain JSON first); it is accepted
// both base64-wrapped and bare.
func decodeOuter(s string) ([]byte, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") {
		if len(t) > MaxEncodedLen {
			return nil, decodeErr("input", "", "%d bytes, max %d", len(t), MaxEncodedLen)
		}
		return []byte(t), nil
	}
	raw, err := decodeBase64(t)
	if err != nil {
		return nil, err
	}
	if j := bytes.TrimLeft(raw, " \t\r\n"); len(j) > 0 && j[0] == '{' {
		return raw, nil
	}
	return inflate(raw)
}

// b64 is the std-base64 used inside the document (TLS.sig, TLS.userbuf).
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// unb64 decodes an inner std-base64 field, padded or not.
func unb64(field, s string) ([]byte, error) {
	t := strings.TrimRight(s, "=")
	b, err := base64.RawStdEncoding.DecodeString(t)
	if err != nil {
		return nil, decodeErr("field", field, "not base64: %v", err)
	}
	return b, nil
}
