package sfu

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLogs routes pion's logs into slog, one level down: pion reports
// routine teardown races as errors ("write on closed pipe"), so its errors
// are warnings here and everything below is debug. Trace is dropped.
type pionLogs struct{ log *slog.Logger }

func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{f.log.With("pion", scope)}
}

type pionLogger struct{ log *slog.Logger }

var _ logging.LeveledLogger = pionLogger{}

func (l pionLogger) emit(level slog.Level, msg string) {
	if l.log.Enabled(context.Background(), level) {
		l.log.Log(context.Background(), level, msg)
	}
}

// emitf formats only when the level is enabled: formatting costs, and pion
// passes values (a track being set up) that another of its goroutines is
// still writing, which the race detector reports from inside fmt.
func (l pionLogger) emitf(level slog.Level, format string, a ...any) {
	if l.log.Enabled(context.Background(), level) {
		l.log.Log(context.Background(), level, fmt.Sprintf(format, a...))
	}
}

func (l pionLogger) Trace(string)          {}
func (l pionLogger) Tracef(string, ...any) {}
func (l pionLogger) Debug(msg string)      { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Debugf(format string, a ...any) {
	l.emitf(slog.LevelDebug, format, a...)
}
func (l pionLogger) Info(msg string) { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Infof(format string, a ...any) {
	l.emitf(slog.LevelDebug, format, a...)
}
func (l pionLogger) Warn(msg string) { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Warnf(format string, a ...any) {
	l.emitf(slog.LevelDebug, format, a...)
}
func (l pionLogger) Error(msg string) { l.emit(slog.LevelWarn, msg) }
func (l pionLogger) Errorf(format string, a ...any) {
	l.emitf(slog.LevelWarn, format, a...)
}
