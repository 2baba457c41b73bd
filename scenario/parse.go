package scenario

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// MaxFileBytes bounds a scenario file, so a mistaken path to a media file
// does not eat memory.
const MaxFileBytes = 4 << 20

// Load reads, decodes and validates the scenario file at path. A bad file
// returns ValidationErrors (errors.Is(err, ErrInvalid)).
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a scenario. file names it in messages. Every
// mistake is reported at once as ValidationErrors, sorted by position.
func Parse(file string, data []byte) (*Config, error) {
	if len(data) > MaxFileBytes {
		return nil, ValidationErrors{{Pos: Pos{File: file}, Msg: fmt.Sprintf("file is %d bytes, more than %d", len(data), MaxFileBytes), Hint: "is this a scenario file?"}}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, ValidationErrors{syntaxError(file, err)}
	}
	var docs int
	for _, doc := range f.Docs {
		if doc.Body != nil {
			docs++
		}
	}
	switch {
	case docs == 0:
		return nil, ValidationErrors{{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: "the file is empty", Hint: "a scenario needs at least rooms and groups"}}
	case docs > 1:
		return nil, ValidationErrors{{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: "more than one YAML document", Hint: "one scenario per file: remove the extra ---"}}
	}
	d := newDecoder(file)
	c := &Config{file: file}
	var body = f.Docs[0].Body
	for _, doc := range f.Docs {
		if doc.Body != nil {
			body = doc.Body
		}
	}
	d.decode(body, reflect.ValueOf(c).Elem(), "")
	c.file, c.pos, c.nulls = file, d.pos, d.nulls
	// Every mistake at once: semantic checks run even when some values
	// did not decode (they still stop before the roster when the groups
	// are unsound, whatever is reported), but what they say about a path
	// that already has a decoding error is only noise and is left out.
	errs := d.errs
	for _, e := range validate(c) {
		if !covered(e.Path, d.errs) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, errs.sorted()
	}
	return c, nil
}

// syntaxError turns a goccy/go-yaml error into a positioned one.
func syntaxError(file string, err error) *ValidationError {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		return &ValidationError{Pos: Pos{File: file, Line: se.Token.Position.Line, Col: se.Token.Position.Column},
			Msg: "YAML syntax: " + se.Message, Hint: "check indentation and quoting"}
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return &ValidationError{Pos: Pos{File: file, Line: tk.Position.Line, Col: tk.Position.Column},
				Msg: "YAML syntax: " + ye.GetMessage(), Hint: "check indentation and quoting"}
		}
	}
	return &ValidationError{Pos: Pos{File: file}, Msg: "YAML syntax: " + err.Error()}
}

// covered reports whether a check of path would only repeat a decoding
// error of bad: path is, lies inside, or contains a path that did not
// decode (its value is zero), or is the sibling of an unknown key (a
// misspelt key "group" leaves its sibling "groups" missing).
func covered(path string, bad ValidationErrors) bool {
	for _, b := range bad {
		if b.Path != "" && path != "" && (within(path, b.Path) || within(b.Path, path) || b.unknownKey && parent(path) == parent(b.Path)) {
			return true
		}
	}
	return false
}

// parent is the path of the mapping or list that holds path ("" at the top).
func parent(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

// within reports whether path is base or a path inside it.
func within(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+".") || strings.HasPrefix(path, base+"[")
}
