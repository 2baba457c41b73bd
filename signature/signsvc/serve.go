package signsvc

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// ShutdownTimeout bounds how long Serve waits for in-flight requests after
// ctx ends.
const ShutdownTimeout = 5 * time.Second

// Serve runs h on ln until ctx ends, then shuts down gracefully (in-flight
// requests get ShutdownTimeout) and returns nil; it returns the server error
// if serving fails first. ln is closed on return. Mount h at Path yourself or
// pass a *Service, which answers on every path.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }() // owned here: we always receive from done
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return shutdownErr
}
