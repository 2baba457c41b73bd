package browser

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Pool is Chromium started ahead of time, with the page already open, so
// that a scenario's browser users enter when the timeline says instead of
// seconds later (starting Chromium takes one to several seconds, more on a
// busy machine). A browser takes one at Start; without a free one it
// starts its own. Each process serves one participant and is never reused.
type Pool struct {
	mu    sync.Mutex
	ready []*chromium
}

// NewPool starts n browsers (at most 4 at a time) and opens pageURL in
// each. It fails, closing what it started, when one cannot start.
func NewPool(ctx context.Context, bin, pageURL string, n int) (*Pool, error) {
	if bin == "" {
		return nil, ErrNoChromium
	}
	p := &Pool{}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	sem := make(chan struct{}, 4)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ch, err := launch(context.WithoutCancel(ctx), bin, defaultWidth, defaultHeight)
			if err == nil {
				if err = openPage(ctx, ch, pageURL); err != nil {
					ch.close()
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			p.ready = append(p.ready, ch)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		p.Close()
		return nil, fmt.Errorf("browser: starting %d Chromium ahead of the run: %w", n, err)
	}
	return p, nil
}

// take returns a started browser with pageURL open, or nil.
func (p *Pool) take(pageURL string) *chromium {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, ch := range p.ready {
		if ch.page == pageURL && ch.tab.Err() == nil {
			p.ready = append(p.ready[:i], p.ready[i+1:]...)
			return ch
		}
	}
	return nil
}

// Len is the number of browsers still waiting (0 for a nil Pool).
func (p *Pool) Len() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ready)
}

// Close ends the browsers nobody took. A nil Pool is empty.
func (p *Pool) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	ready := p.ready
	p.ready = nil
	p.mu.Unlock()
	for _, ch := range ready {
		ch.close()
	}
}

// WithPool makes Start take a browser from p when it has one.
func WithPool(p *Pool) Option { return func(b *Browser) { b.pool = p } }
