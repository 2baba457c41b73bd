package main

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/roombot/roombot/bot"
)

const defaultIMText = "message {n} from {userid}"

// imConfig is what `roombot join --im-every` sends.
type imConfig struct {
	every    time.Duration
	text, to string
}

// startIM sends a message every cfg.every until ctx ends or the returned
// stop is called (stop waits for the sender; it is idempotent). A refused
// message is already an event (send_failed) on the bot's output.
func startIM(ctx context.Context, b *bot.Bot, cfg imConfig) (stop func()) {
	if cfg.every <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(cfg.every)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			text := strings.NewReplacer("{n}", strconv.Itoa(n), "{userid}", b.UserID()).Replace(cfg.text)
			if cfg.to != "" {
				_ = b.SendC2CText(ctx, cfg.to, text)
			} else {
				_ = b.SendGroupText(ctx, text)
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { cancel(); wg.Wait() }) }
}
