package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/roombot/roombot/codes"
)

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// TestWebRoutes: the page, its assets, the built-in templates, the codes
// table (exactly codes.Texts) and the page's config.
func TestWebRoutes(t *testing.T) {
	srv, err := Start(context.Background(), Config{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	code, ct, body := get(t, srv.URL()+"/")
	if code != 200 || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, `src="/web/app.js"`) {
		t.Fatalf("GET /: %d %s\n%.300s", code, ct, body)
	}
	for _, p := range []string{"/web/app.js", "/web/app.css", "/web/templates/bigsmall/template.html", "/web/templates/float/template.css", "/web/templates/grid/template.html"} {
		if code, _, _ := get(t, srv.URL()+p); code != 200 {
			t.Errorf("GET %s: %d", p, code)
		}
	}
	if code, _, _ := get(t, srv.URL()+"/web/templates/custom/template.html"); code != 404 {
		t.Errorf("custom template without --template: %d", code)
	}
	_, _, body = get(t, srv.URL()+"/web/codes.json")
	var table map[string]string
	if err := json.Unmarshal([]byte(body), &table); err != nil {
		t.Fatal(err)
	}
	want := codes.Texts()
	if len(table) != len(want) || len(want) < 40 {
		t.Fatalf("codes.json has %d codes, codes.Texts %d", len(table), len(want))
	}
	for c, text := range want {
		if table[strconv.Itoa(c)] != text {
			t.Errorf("code %d: %q, want %q", c, table[strconv.Itoa(c)], text)
		}
	}
	var cfg webConfig
	_, _, body = get(t, srv.URL()+"/web/config.json")
	if err := json.Unmarshal([]byte(body), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.DefaultTemplate != "float" || strings.Join(cfg.Templates, ",") != "bigsmall,float,grid" || cfg.DevApp == nil ||
		cfg.DevApp.SDKAppID != DefaultSDKAppID || !cfg.SignEndpoint {
		t.Errorf("config.json: %s", body)
	}
}

// TestWebConfigNoDevKey: an app with its own secret is never handed to the
// page; only the published dev key is.
func TestWebConfigNoDevKey(t *testing.T) {
	srv, err := Start(context.Background(), Config{Logger: quietLogger(), Apps: []AppConfig{{SDKAppID: 1400000099, SecretKey: "a-real-secret-key"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, _, body := get(t, srv.URL()+"/web/config.json")
	if strings.Contains(body, "a-real-secret-key") || strings.Contains(body, "devApp") {
		t.Fatalf("config.json: %s", body)
	}
}

// TestWebAssetsOffline: the embedded page loads nothing from elsewhere (no
// CDN, no absolute URL to another host).
func TestWebAssetsOffline(t *testing.T) {
	t.Parallel()
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/`)
	n := 0
	err := fs.WalkDir(webAssets, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		b, err := webAssets.ReadFile(p)
		if err != nil {
			return err
		}
		if m := external.Find(b); m != nil {
			t.Errorf("%s refers to %s", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 9 {
		t.Fatalf("%d embedded files", n)
	}
	if external.Find([]byte(`<script src="https://cdn.example.com/x.js">`)) == nil {
		t.Fatal("the check misses a CDN script")
	}
}

func writeTemplate(t *testing.T, html string, css bool) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "template.html"), []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	if css {
		if err := os.WriteFile(filepath.Join(dir, "template.css"), []byte(".x{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCustomTemplateRoutes: --template serves the directory as "custom",
// makes it the default, and its slot count is its capacity.
func TestCustomTemplateRoutes(t *testing.T) {
	dir := writeTemplate(t, `<div data-slot="local"></div><div data-slot="remote"></div><div data-slot="remote"></div>`, true)
	tpl, err := LoadTemplate(dir)
	if err != nil || tpl.RemoteSlots != 2 {
		t.Fatalf("LoadTemplate: %+v %v", tpl, err)
	}
	srv, err := Start(context.Background(), Config{Logger: quietLogger(), WebTemplate: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if code, _, body := get(t, srv.URL()+"/web/templates/custom/template.html"); code != 200 || !strings.Contains(body, `data-slot="remote"`) {
		t.Fatalf("custom template: %d %s", code, body)
	}
	if code, _, _ := get(t, srv.URL()+"/web/templates/custom/../../../etc/passwd"); code == 200 {
		t.Error("a path outside the template directory was served")
	}
	_, _, body := get(t, srv.URL()+"/web/config.json")
	var cfg webConfig
	if err := json.Unmarshal([]byte(body), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.DefaultTemplate != CustomTemplate || cfg.Templates[len(cfg.Templates)-1] != CustomTemplate {
		t.Errorf("config.json: %s", body)
	}
}

// TestCustomTemplateRefused: a template the page could not lay out is a
// configuration error that names the directory and the problem.
func TestCustomTemplateRefused(t *testing.T) {
	cases := []struct {
		name, html string
		css        bool
		want       string
	}{
		{"no remote slot", `<div data-slot="local"></div>`, true, `no element with data-slot="remote"`},
		{"two local slots", `<div data-slot="local"></div><div data-slot="local"></div><div data-slot="remote"></div>`, true, `2 elements with data-slot="local"`},
		{"unknown slot", `<div data-slot="local"></div><p data-slot="remtoe"></p>`, true, `unknown slot`},
		{"no css", `<div data-slot="local"></div><div data-slot="remote"></div>`, false, `template.css`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTemplate(t, c.html, c.css)
			_, err := Start(context.Background(), Config{Logger: quietLogger(), WebTemplate: dir})
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), dir) {
				t.Fatalf("err %v, want ErrConfig naming %s and %q", err, dir, c.want)
			}
		})
	}
	if _, err := LoadTemplate(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, ErrConfig) {
		t.Errorf("missing dir: %v", err)
	}
}
