package bot

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLogger routes pion's leveled logs to slog (warnings and errors only;
// pion's debug output is far too chatty for hundreds of bots).
type pionLogger struct {
	log   *slog.Logger
	scope string
}

type pionLoggerFactory struct{ log *slog.Logger }

func newPionLogger(l *slog.Logger) logging.LoggerFactory { return pionLoggerFactory{log: l} }

func (f pionLoggerFactory) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{log: f.log, scope: scope}
}

func (l pionLogger) emit(level slog.Level, msg string) {
	if l.log.Enabled(context.Background(), level) {
		l.log.Log(context.Background(), level, msg, "pion", l.scope)
	}
}

func (pionLogger) Trace(string)          {}
func (pionLogger) Tracef(string, ...any) {}
func (pionLogger) Debug(string)          {}
func (pionLogger) Debugf(string, ...any) {}
func (pionLogger) Info(string)           {}
func (pionLogger) Infof(string, ...any)  {}
func (l pionLogger) Warn(m string)       { l.emit(slog.LevelWarn, m) }
func (l pionLogger) Warnf(f string, a ...any) {
	l.emit(slog.LevelWarn, fmt.Sprintf(f, a...))
}
func (l pionLogger) Error(m string) { l.emit(slog.LevelError, m) }
func (l pionLogger) Errorf(f string, a ...any) {
	l.emit(slog.LevelError, fmt.Sprintf(f, a...))
}

var (
	_ logging.LoggerFactory = pionLoggerFactory{}
	_ logging.LeveledLogger = pionLogger{}
)
