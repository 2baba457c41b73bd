package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/net/html"

	"github.com/roombot/roombot/codes"
)

// The web room page (docs/web.md): index.html, app.js, app.css and the
// component's three templates, embedded so that the page works offline.
//
//go:embed web
var webAssets embed.FS

// Built-in templates, in the component's order; "float" is its default.
var builtinTemplates = []string{"bigsmall", "float", "grid"}

const (
	defaultTemplate = "float"
	// CustomTemplate is the name under which Config.WebTemplate is served.
	CustomTemplate = "custom"
)

// webConfig is GET /web/config.json: what the page needs to sign in and lay out.
type webConfig struct {
	Templates       []string `json:"templates"`
	DefaultTemplate string   `json:"defaultTemplate"`
	// DevApp is the dev app's published key, present only when the service
	// accepts it (it is not a secret: DevSecretKey).
	DevApp       *devApp `json:"devApp,omitempty"`
	SignEndpoint bool    `json:"signEndpoint"`
}

type devApp struct {
	SDKAppID uint32 `json:"sdkAppID"`
	Key      string `json:"key"`
}

// Template is a parsed web room template: its remote slots are the
// component's max_members.
type Template struct {
	Name        string
	RemoteSlots int
}

// LoadTemplate checks a custom template directory: template.html with one
// data-slot="local" element and at least one data-slot="remote" element
// (their number is the template's max_members), and template.css.
func LoadTemplate(dir string) (Template, error) {
	t := Template{Name: CustomTemplate}
	page, err := os.ReadFile(filepath.Join(dir, "template.html"))
	if err != nil {
		return t, fmt.Errorf("%w: web template %s: %w", ErrConfig, dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "template.css")); err != nil {
		return t, fmt.Errorf("%w: web template %s: %w", ErrConfig, dir, err)
	}
	local, remote, err := countSlots(page)
	if err != nil {
		return t, fmt.Errorf("%w: web template %s/template.html: %w", ErrConfig, dir, err)
	}
	switch {
	case local != 1:
		return t, fmt.Errorf("%w: web template %s/template.html: %d elements with data-slot=\"local\", want exactly 1", ErrConfig, dir, local)
	case remote == 0:
		return t, fmt.Errorf("%w: web template %s/template.html: no element with data-slot=\"remote\" (one per remote user shown)", ErrConfig, dir)
	}
	t.RemoteSlots = remote
	return t, nil
}

// countSlots counts the data-slot="local" and data-slot="remote" elements
// of an HTML fragment; another data-slot value is an error.
func countSlots(page []byte) (local, remote int, err error) {
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return local, remote, nil
			}
			return 0, 0, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			for _, a := range tok.Attr {
				if a.Key != "data-slot" {
					continue
				}
				switch a.Val {
				case "local":
					local++
				case "remote":
					remote++
				default:
					return 0, 0, fmt.Errorf("<%s data-slot=%q>: unknown slot (want local or remote)", tok.Data, a.Val)
				}
			}
		}
	}
}

// webRoutes serves the web room: / (the page), /web/ (its assets),
// /web/config.json, /web/codes.json (the codes table the reports use) and
// /web/templates/<name>/ (built-in templates and Config.WebTemplate).
func (s *Server) webRoutes(mux *http.ServeMux) error {
	assets, err := fs.Sub(webAssets, "web")
	if err != nil {
		return err
	}
	cfg := webConfig{Templates: append([]string(nil), builtinTemplates...), DefaultTemplate: defaultTemplate}
	if dir := s.cfg.WebTemplate; dir != "" {
		if _, err := LoadTemplate(dir); err != nil {
			return err
		}
		cfg.Templates = append(cfg.Templates, CustomTemplate)
		cfg.DefaultTemplate = CustomTemplate
		custom := http.StripPrefix("/web/templates/"+CustomTemplate+"/", http.FileServerFS(os.DirFS(dir)))
		mux.Handle("GET /web/templates/"+CustomTemplate+"/", noStore(custom))
	}
	for _, a := range s.cfg.Apps {
		if a.SecretKey == DevSecretKey && cfg.DevApp == nil {
			cfg.DevApp = &devApp{SDKAppID: a.SDKAppID, Key: DevSecretKey}
		}
		// signRoutes mounts /api/sign for an app with a secretKey.
		cfg.SignEndpoint = cfg.SignEndpoint || s.apps[a.SDKAppID].signer != nil
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	table := map[string]string{}
	for c, t := range codes.Texts() {
		table[strconv.Itoa(c)] = t
	}
	codesJSON, err := json.Marshal(table)
	if err != nil {
		return err
	}
	static := http.FileServerFS(assets)
	mux.Handle("GET /{$}", noStore(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { serveIndex(w, assets) })))
	mux.Handle("GET /web/", noStore(http.StripPrefix("/web/", static)))
	mux.Handle("GET /web/config.json", jsonHandler(cfgJSON))
	mux.Handle("GET /web/codes.json", jsonHandler(codesJSON))
	return nil
}

func serveIndex(w http.ResponseWriter, assets fs.FS) {
	b, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		http.Error(w, "index.html missing from the binary", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b)
}

func jsonHandler(b []byte) http.Handler {
	return noStore(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
}

// noStore keeps browsers from caching the page across binaries.
func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
