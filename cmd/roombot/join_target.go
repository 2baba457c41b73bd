package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/roombot/roombot/bot"
	"github.com/roombot/roombot/scenario"
	"github.com/roombot/roombot/scenario/live"
	"github.com/roombot/roombot/signaling"
)

// joinTarget applies `join --target KIND=URL`. The reference service's
// kinds become --server (nil driver: the native path of runJoin); any
// other kind is opened through scenario/live's target registry and its
// Target returned (the caller closes it), after checking that it supports what the flags ask.
func joinTarget(ctx context.Context, env Env, flag string, server *string, cfg *bot.Config, log *slog.Logger) (*live.Target, error) {
	if flag == "" {
		return nil, nil
	}
	kind, u, err := live.ParseTargetFlag(flag)
	if err != nil {
		return nil, withExit(ExitUsage, fmt.Errorf("join: %w", err))
	}
	if *server != "" {
		return nil, withExit(ExitUsage, errors.New("join: give --target or --server, not both"))
	}
	if kind == scenario.TargetNative {
		*server = u
		return nil, nil
	}
	sc := &scenario.Config{}
	if err := sc.OverrideTarget(kind, u); err != nil {
		return nil, withExit(ExitUsage, fmt.Errorf("join: %w", err))
	}
	tg, err := live.OpenTarget(ctx, sc, live.Options{Getenv: env.Getenv, Logger: log})
	switch {
	case errors.Is(err, live.ErrUsage):
		return nil, withExit(ExitUsage, fmt.Errorf("join: %w", err))
	case err != nil:
		return nil, withExit(ExitNotCarried, fmt.Errorf("join: %w", err))
	}
	uses := map[signaling.Feature]bool{signaling.FeatureIM: cfg.EnableIM, signaling.FeatureStrRoom: cfg.StrRoomID != "",
		signaling.FeatureRecvMode: cfg.RecvMode != 0 && cfg.RecvMode != signaling.RecvAll,
		signaling.FeatureAudience: cfg.Role == signaling.RoleAudience}
	for f, used := range uses {
		if why := signaling.UnsupportedBy(tg.Driver, f); used && why != "" {
			_ = tg.Close()
			return nil, withExit(ExitUsage, fmt.Errorf("join: %s is not supported by target %s (%s)", f, kind, why))
		}
	}
	cfg.DriverCredentials = tg.DriverCredentials
	if tg.Secret != "" && cfg.SecretKey == "" && cfg.UserSig == "" && cfg.SignURL == "" {
		cfg.SecretKey = tg.Secret
	}
	return tg, nil
}
