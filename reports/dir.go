package reports

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"
)

// File names inside a run directory.
const (
	EventsFile  = "events.jsonl"
	StatsFile   = "stats.jsonl"
	RunFile     = "run.json"
	SummaryFile = "summary.json"
	JUnitFile   = "junit.xml"
	HTMLFile    = "report.html"
)

// Defaults of the Dir writer.
const (
	// DefaultFlushInterval bounds how old the newest line on disk can be: a
	// killed run keeps every line written up to this long before it died.
	DefaultFlushInterval = 500 * time.Millisecond
	// DefaultQueue is how many lines may wait for the writer goroutine
	// (about a minute of 500 bots' samples and events) before lines are dropped.
	DefaultQueue = 1 << 16
)

// Dir is the streaming half of a run directory: a Sink that appends each
// Event to events.jsonl and each Sample to stats.jsonl, one JSON object per
// line, as the run goes.
//
// WriteEvent and WriteSample never block on the disk: the caller encodes the
// line (so the Sample's Tracks are not retained) and hands it to a bounded
// queue that one writer goroutine drains, flushing at least every
// FlushInterval. If the queue is full (the disk stalls for a long time) the
// line is dropped and counted; Close records the count as a "dropped" run
// event so the summary and report say so. Dir is safe for concurrent use.
type Dir struct {
	path     string
	interval time.Duration
	queue    int
	onFlush  func() // test hook: called after each periodic flush
	tee      Sink   // WithTee: sees every line the files get
	zstd     bool   // WithZstd: stats.jsonl.zst

	mu     sync.RWMutex // guards closed against sends on a closed q
	closed bool
	q      chan line

	dropFull, dropLate, dropBad atomic.Uint64
	written                     atomic.Uint64

	done     chan struct{}
	once     sync.Once
	closeErr error
}

// line is one encoded line bound for one of the two files.
type line struct {
	stats bool
	b     []byte
	sync  chan error // non-nil: a Flush request, not a line
}

// Option configures a Dir.
type Option func(*Dir) error

// WithFlushInterval sets how often buffered lines reach the disk
// (default DefaultFlushInterval, at most a second).
func WithFlushInterval(d time.Duration) Option {
	return func(w *Dir) error {
		if d <= 0 || d > time.Second {
			return fmt.Errorf("flush interval must be in (0, 1s], got %v", d)
		}
		w.interval = d
		return nil
	}
}

// WithQueue sets how many lines may wait for the writer (default DefaultQueue).
func WithQueue(n int) Option {
	return func(w *Dir) error {
		if n < 1 {
			return fmt.Errorf("queue must be >= 1, got %d", n)
		}
		w.queue = n
		return nil
	}
}

// WithTee hands every line the Dir accepts for its files to sink as well,
// in the order they are queued, and the "dropped" event Close writes: what
// the run aggregates live (render.Acc) is then what a later read of the
// files gives, without reading them back. sink must be safe for concurrent
// use; it is called with the Dir's lock held, so it sees no line after
// Close returns.
func WithTee(sink Sink) Option {
	return func(w *Dir) error {
		w.tee = sink
		return nil
	}
}

// Create makes the directory path (and its parents) if needed, creates (or
// truncates) its events.jsonl and stats.jsonl, and starts the writer. The
// caller must Close the Dir.
func Create(path string, opts ...Option) (*Dir, error) {
	w := &Dir{path: path, interval: DefaultFlushInterval, queue: DefaultQueue, done: make(chan struct{})}
	for _, o := range opts {
		if err := o(w); err != nil {
			return nil, fmt.Errorf("run directory %s: %w", path, err)
		}
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	ev, err := os.Create(filepath.Join(path, EventsFile))
	if err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	stName, stale := StatsFile, StatsFileZstd
	if w.zstd {
		stName, stale = StatsFileZstd, StatsFile
	}
	// a stale stream of the other kind would be read instead of this one
	if err := os.Remove(filepath.Join(path, stale)); err != nil && !errors.Is(err, os.ErrNotExist) {
		ev.Close()
		return nil, fmt.Errorf("run directory: %w", err)
	}
	st, err := os.Create(filepath.Join(path, stName))
	if err != nil {
		ev.Close()
		return nil, fmt.Errorf("run directory: %w", err)
	}
	var zw *zstd.Encoder
	if w.zstd {
		if zw, err = newZstdWriter(st); err != nil {
			ev.Close()
			st.Close()
			return nil, fmt.Errorf("run directory: %w", err)
		}
	}
	w.q = make(chan line, w.queue)
	go w.run(ev, st, zw)
	return w, nil
}

// Path is the directory written to.
func (w *Dir) Path() string { return w.path }

// WriteEvent queues e as one line of events.jsonl.
func (w *Dir) WriteEvent(e Event) {
	b, err := json.Marshal(e)
	w.enqueue(false, b, err, func(t Sink) {
		e.Time = e.Time.Round(0) // as read back: no monotonic reading
		t.WriteEvent(e)
	})
}

// WriteSample queues s as one line of stats.jsonl.
func (w *Dir) WriteSample(s Sample) {
	s = s.Rounded() // what the file gets, the tee gets
	b, err := marshalRounded(s)
	w.enqueue(true, b, err, func(t Sink) {
		s.Time = s.Time.Round(0)
		t.WriteSample(s)
	})
}

// enqueue queues b; once it is queued, tee hands the line to w.tee.
func (w *Dir) enqueue(stats bool, b []byte, err error, tee func(Sink)) {
	if err != nil { // e.g. a NaN figure: JSON cannot carry it
		w.dropBad.Add(1)
		return
	}
	b = append(b, '\n')
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		w.dropLate.Add(1)
		return
	}
	select {
	case w.q <- line{stats: stats, b: b}:
		if w.tee != nil {
			tee(w.tee)
		}
	default:
		w.dropFull.Add(1)
	}
}

// Dropped is how many lines were lost so far: queue full, written after
// Close, or not encodable as JSON.
func (w *Dir) Dropped() uint64 { return w.dropFull.Load() + w.dropLate.Load() + w.dropBad.Load() }

// Written is how many lines reached the files' buffers so far.
func (w *Dir) Written() uint64 { return w.written.Load() }

// Flush waits until every line queued before it has been handed to the OS
// (written to the files, not fsynced) and returns the first write error so
// far. It may wait for room in the queue, so it is not for hot paths.
func (w *Dir) Flush() error {
	ch := make(chan error, 1)
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	w.q <- line{sync: ch} // Close waits for this RLock, so q is open here
	w.mu.RUnlock()
	select {
	case err := <-ch:
		return err
	case <-w.done:
		return w.closeErr
	}
}

// Close stops accepting lines, writes what is queued, records drops as a
// "dropped" run event, syncs and closes the files. It is idempotent and
// returns the first error met while writing.
func (w *Dir) Close() error {
	w.once.Do(func() {
		w.mu.Lock()
		w.closed = true
		close(w.q) // the only closer; senders hold RLock and check closed
		w.mu.Unlock()
		<-w.done
	})
	return w.closeErr
}

// run is the writer goroutine, owned by Close (which waits on done). zw,
// when not nil, compresses stats lines into stf.
func (w *Dir) run(evf, stf *os.File, zw *zstd.Encoder) {
	defer close(w.done)
	var stOut io.Writer = stf
	if zw != nil {
		stOut = zw
	}
	ev, st := bufio.NewWriterSize(evf, 64<<10), bufio.NewWriterSize(stOut, 64<<10)
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	flush := func() {
		keep(ev.Flush())
		keep(st.Flush())
		if zw != nil {
			keep(zw.Flush()) // ends a block: a killed run keeps what was flushed
		}
	}
	tick := time.NewTicker(w.interval)
	defer tick.Stop()
	for open := true; open; {
		select {
		case l, ok := <-w.q:
			switch {
			case !ok:
				open = false
			case l.sync != nil:
				flush()
				l.sync <- first
			case l.stats:
				_, err := st.Write(l.b)
				keep(err)
				w.written.Add(1)
			default:
				_, err := ev.Write(l.b)
				keep(err)
				w.written.Add(1)
			}
		case <-tick.C:
			flush()
			if w.onFlush != nil {
				w.onFlush()
			}
		}
	}
	if n := w.Dropped(); n > 0 {
		e := Event{Time: time.Now().UTC(), Kind: KindRun, Event: EvDropped, Value: float64(n),
			Message: fmt.Sprintf("run directory writer dropped %d lines: %d queue full (disk too slow), %d after close, %d not encodable",
				n, w.dropFull.Load(), w.dropLate.Load(), w.dropBad.Load())}
		b, err := json.Marshal(e)
		keep(err)
		_, err = ev.Write(append(b, '\n'))
		keep(err)
		if w.tee != nil && err == nil {
			w.tee.WriteEvent(e)
		}
	}
	flush()
	if zw != nil {
		keep(zw.Close())
	}
	keep(evf.Sync())
	keep(stf.Sync())
	keep(evf.Close())
	keep(stf.Close())
	if first != nil {
		w.closeErr = fmt.Errorf("run directory %s: %w", w.path, first)
	}
}

var _ Sink = (*Dir)(nil)
