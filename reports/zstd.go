package reports

import (
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// StatsFileZstd is stats.jsonl compressed with Zstandard (RFC 8878): the
// same lines, written instead of stats.jsonl by a Dir made WithZstd. Read
// (and so Load and every report) accepts either.
const StatsFileZstd = StatsFile + ".zst"

// WithZstd makes the Dir write stats.jsonl.zst instead of stats.jsonl (and
// remove a stale stats.jsonl from the directory). Each periodic flush ends
// a compressed block, so a killed run keeps its lines up to the last flush,
// as uncompressed.
func WithZstd() Option {
	return func(w *Dir) error {
		w.zstd = true
		return nil
	}
}

// newZstdWriter compresses into w on the calling goroutine (no encoder
// goroutines: the Dir's writer goroutine is the only caller), at the
// library's default level.
func newZstdWriter(w io.Writer) (*zstd.Encoder, error) {
	return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
}

// zstdReader decompresses r.
type zstdReader struct{ *zstd.Decoder }

func newZstdReader(r io.Reader) (*zstdReader, error) {
	d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return &zstdReader{d}, nil
}

func (z *zstdReader) Close() { z.Decoder.Close() }

// cutShort tells whether err is how a compressed stream that was cut
// (a killed writer) ends.
func cutShort(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }
