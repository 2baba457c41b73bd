package reports

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Header is what Read tells of a run directory besides its lines.
type Header struct {
	Dir   string
	Info  RunInfo
	Notes []string // as Dataset.Notes: problems tolerated
}

// Read streams the run directory dir to sink in one pass, holding no more
// than a few thousand lines at a time: run.json (optional, as for Load),
// then every line of events.jsonl, then every line of stats.jsonl, each in
// file order (not sorted by time: a consumer that needs order sorts what it
// keeps). Lines are decoded on several cores and delivered in order from
// the calling goroutine, so sink need not be safe for concurrent use.
// Tolerance and errors are Load's: a truncated last line is skipped and
// noted, any other bad line is a *LineError naming file:line (up to ten,
// joined); on error sink has seen part of the run and should be dropped.
func Read(dir string, sink Sink) (*Header, error) {
	h := &Header{Dir: dir}
	info, err := ReadRunInfo(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		h.Info = RunInfo{Name: filepath.Base(filepath.Clean(dir)), Incomplete: true}
		h.Notes = append(h.Notes, "run.json is missing: the run did not finish (killed?); run info, checks and health are unknown")
	case err != nil:
		return nil, err
	default:
		h.Info = *info
	}
	found := 0
	var errs []error
	for _, name := range []string{EventsFile, StatsFile} {
		path := filepath.Join(dir, name)
		f, err := os.Open(path)
		compressed := false
		if errors.Is(err, os.ErrNotExist) && name == StatsFile { // or stats.jsonl.zst
			path = filepath.Join(dir, StatsFileZstd)
			f, err = os.Open(path)
			compressed = true
		}
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load run: %w", err)
		}
		found++
		var r io.Reader = f
		if compressed {
			z, err := newZstdReader(f)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("load run %s: %w", path, err)
			}
			defer z.Close()
			r = z
		}
		note, ferrs := readLines(r, path, name == StatsFile, compressed, maxLineErrors-len(errs), sink)
		f.Close()
		errs = append(errs, ferrs...)
		if note != "" {
			h.Notes = append(h.Notes, note)
		}
	}
	if found == 0 {
		return nil, fmt.Errorf("load %s: %w", dir, ErrNoStreams)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load %s: %w", dir, errors.Join(errs...))
	}
	return h, nil
}

// batchLines is how many lines one decoding job holds.
const batchLines = 256

// batch is one decoding job: lines numbered from first; done is closed
// once out and errs are filled.
type batch struct {
	lines [][]byte
	first int
	last  int // > 0: the file's final line has no newline, is lines[len-1] and has this many bytes
	out   []Line
	errs  []error // per line; nil where it decoded
	done  chan struct{}
}

// readLines feeds r's lines to sink in order; it returns a note for a
// tolerated truncated last line and at most max line errors. One goroutine
// reads, GOMAXPROCS decode, this one delivers; all are done on return.
//
// A compressed stream that ends short (a killed writer: its last block
// incomplete) is noted as a truncated line is, not an error.
func readLines(r io.Reader, path string, stats, compressed bool, max int, sink Sink) (note string, errs []error) {
	workers := max1(runtime.GOMAXPROCS(0))
	jobs := make(chan *batch, workers)
	order := make(chan *batch, 2*workers)
	var readErr error // set by the reader before it closes order
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // reader: owns jobs and order
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		br := bufio.NewReaderSize(r, 256<<10)
		n := 1
		for {
			b := &batch{first: n, done: make(chan struct{})}
			for len(b.lines) < batchLines {
				l, err := br.ReadBytes('\n')
				if err != nil && err != io.EOF {
					readErr = err
				}
				if len(l) == 0 && err != nil {
					break
				}
				b.lines = append(b.lines, l)
				n++
				if err != nil {
					b.last = len(l)
					break
				}
			}
			if len(b.lines) == 0 {
				return
			}
			final := b.last > 0 || len(b.lines) < batchLines // read before a worker owns b
			jobs <- b
			order <- b // the delivery loop drains order to its end
			if final {
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := interner{}
			for b := range jobs {
				b.out, b.errs = make([]Line, len(b.lines)), make([]error, len(b.lines))
				for i, l := range b.lines {
					if len(bytes.TrimSpace(l)) == 0 {
						continue
					}
					b.out[i], b.errs[i] = decodeLineIn(l, stats, in)
				}
				b.lines = nil
				close(b.done)
			}
		}()
	}
	for b := range order {
		<-b.done
		for i, l := range b.out {
			n, derr := b.first+i, b.errs[i]
			last := b.last > 0 && i == len(b.out)-1
			switch {
			case l.Event == nil && l.Sample == nil && derr == nil: // blank
			case derr != nil && last:
				note = fmt.Sprintf("%s:%d: skipped a truncated last line (%d bytes): the writer was killed mid-line", path, n, b.last)
			case derr != nil:
				if len(errs) < max {
					errs = append(errs, &LineError{File: path, Line: n, Err: derr})
				}
			case l.Event != nil:
				sink.WriteEvent(*l.Event)
			default:
				sink.WriteSample(*l.Sample)
			}
		}
	}
	wg.Wait()
	switch {
	case readErr != nil && compressed && cutShort(readErr):
		cut := fmt.Sprintf("%s: the compressed stream ends inside a block: the writer was killed; the lines before it were read", path)
		note = strings.TrimPrefix(note+"; "+cut, "; ")
	case readErr != nil:
		errs = append(errs, fmt.Errorf("%s: %w", path, readErr))
	}
	return note, errs
}

func max1(n int) int { return max(1, n) }
