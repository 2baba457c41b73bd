package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/roombot/roombot/scenario"
)

// adminClient injects fault steps through the reference service's admin
// API. The token travels only in the Authorization header; it is never
// part of an error or an event.
type adminClient struct {
	base  string
	token string
	http  *http.Client
}

var _ scenario.FaultInjector = (*adminClient)(nil)

func newAdminClient(base, token string) *adminClient {
	return &adminClient{base: strings.TrimRight(base, "/"), token: token, http: &http.Client{Timeout: 10 * time.Second}}
}

// Inject makes the admin API call for f.
func (a *adminClient) Inject(ctx context.Context, f scenario.Fault) error {
	method, path, body := f.AdminRequest()
	var rd io.Reader
	if method != http.MethodDelete {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("fault %s: %w", f.Name, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return fmt.Errorf("fault %s: %w", f.Name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("fault %s: admin API: %w", f.Name, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(msg, &e)
		return fmt.Errorf("fault %s: admin API %s %s: %s: %s", f.Name, method, path, resp.Status, e.Error)
	}
	return nil
}
