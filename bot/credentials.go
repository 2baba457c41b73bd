package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/roombot/roombot/signature"
)

// DefaultSignRetryDelay is the pause before the one retry of a failed
// signing-service request (the TRTCSDK component waits 1000 ms, then raises
// -9; reference §4.3).
const DefaultSignRetryDelay = time.Second

// credentials are what entering a room needs; the result of one of the
// three sources of Config.
type credentials struct {
	SDKAppID      uint32
	UserID        string
	RoomID        uint32
	StrRoomID     string
	UserSig       string
	PrivateMapKey string
}

// signRequest and signResponse are the signing service's JSON
// (POST /api/sign, the seed's flow).
type signRequest struct {
	UserID    string `json:"userID,omitempty"`
	RoomID    uint32 `json:"roomID,omitempty"`
	StrRoomID string `json:"strRoomID,omitempty"`
}

type signResponse struct {
	UserID        string `json:"userID"`
	SDKAppID      uint32 `json:"sdkAppID"`
	RoomID        uint32 `json:"roomID"`
	StrRoomID     string `json:"strRoomID"`
	UserSig       string `json:"userSig"`
	PrivateMapKey string `json:"privateMapKey"`
	Error         string `json:"error"`
	Code          int    `json:"code"`
}

// resolveCredentials gets the credentials from cfg: given, from the signing
// service (one retry after retry, then the -9 error), or signed locally.
func (b *Bot) resolveCredentials(ctx context.Context) (credentials, error) {
	c := b.cfg
	cr := credentials{SDKAppID: c.SDKAppID, UserID: c.UserID, RoomID: c.RoomID, StrRoomID: c.StrRoomID,
		UserSig: c.UserSig, PrivateMapKey: c.PrivateMapKey}
	switch {
	case c.UserSig != "", c.DriverCredentials:
		return cr, nil
	case c.SignURL != "":
		resp, err := b.requestSig(ctx)
		if err != nil {
			var rerr error
			select {
			case <-ctx.Done():
				return cr, ctx.Err()
			case <-time.After(b.signRetry):
			}
			if resp, rerr = b.requestSig(ctx); rerr != nil {
				return cr, roomSigError(errors.Join(err, rerr))
			}
		}
		if resp.SDKAppID != 0 {
			cr.SDKAppID = resp.SDKAppID
		}
		if resp.UserID != "" {
			cr.UserID = resp.UserID
		}
		if resp.RoomID != 0 || resp.StrRoomID != "" {
			cr.RoomID, cr.StrRoomID = resp.RoomID, resp.StrRoomID
		}
		cr.UserSig, cr.PrivateMapKey = resp.UserSig, resp.PrivateMapKey
		return cr, nil
	default:
		s, err := signature.NewSigner(c.SDKAppID, c.SecretKey, signature.WithNow(b.now))
		if err != nil {
			return cr, fmt.Errorf("bot %s: local signing: %w", c.UserID, err)
		}
		if cr.UserSig, err = s.UserSig(c.UserID, DefaultUserSigExpire); err != nil {
			return cr, fmt.Errorf("bot %s: userSig: %w", c.UserID, err)
		}
		room := signature.Room{ID: c.RoomID, Str: c.StrRoomID}
		if cr.PrivateMapKey, err = s.PrivateMapKey(c.UserID, DefaultUserSigExpire, room, c.Privileges); err != nil {
			return cr, fmt.Errorf("bot %s: privateMapKey: %w", c.UserID, err)
		}
		return cr, nil
	}
}

// requestSig is one POST to the signing service. The answer must carry a
// userSig; the error names the URL and what was wrong, never the token.
func (b *Bot) requestSig(ctx context.Context) (signResponse, error) {
	var out signResponse
	body, _ := json.Marshal(signRequest{UserID: b.cfg.UserID, RoomID: b.cfg.RoomID, StrRoomID: b.cfg.StrRoomID})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.cfg.SignURL, bytes.NewReader(body))
	if err != nil {
		return out, fmt.Errorf("signing service %s: %w", b.cfg.SignURL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if b.cfg.SignToken != "" {
		req.Header.Set("Authorization", "Bearer "+b.cfg.SignToken)
	}
	resp, err := b.httpClient.Do(req)
	if err != nil {
		return out, fmt.Errorf("signing service %s: %w", b.cfg.SignURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return out, fmt.Errorf("signing service %s: reading answer: %w", b.cfg.SignURL, err)
	}
	return decodeSignResponse(b.cfg.SignURL, resp.StatusCode, raw)
}

// decodeSignResponse checks one answer of the signing service (outside
// input): JSON, HTTP 200, no error, a userSig, a userID that is valid.
func decodeSignResponse(url string, status int, raw []byte) (signResponse, error) {
	var out signResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("signing service %s: HTTP %d, answer is not JSON: %w", url, status, err)
	}
	if status != http.StatusOK || out.Error != "" || out.Code != 0 {
		return out, fmt.Errorf("signing service %s: HTTP %d, code %d: %.200s", url, status, out.Code, out.Error)
	}
	if out.UserSig == "" {
		return out, fmt.Errorf("signing service %s: answer has no userSig", url)
	}
	if out.UserID != "" {
		if err := signature.ValidateUserID(out.UserID); err != nil {
			return out, fmt.Errorf("signing service %s: answer's userID: %w", url, err)
		}
	}
	return out, nil
}
