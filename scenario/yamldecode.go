package scenario

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// decoder turns a goccy/go-yaml AST into Config structs strictly, the way
// the standard decoders cannot: it keeps going after a mistake so that every
// mistake of a file is reported at once, and it remembers the position of
// every value so that the semantic checks that follow can point at it.
//
// Struct fields are matched by their `yaml:"name"` tag; a key with no field
// is an error with a "did you mean" hint. Types with their own syntax
// (durations, selectors, …) implement nodeDecoder.
type decoder struct {
	file    string
	errs    ValidationErrors
	pos     map[string]Pos // key path → position of its value
	nulls   map[string]bool
	anchors map[string]ast.Node
	depth   int
	visits  int // nodes decoded, aliases expanded: bounds "billion laughs"
}

// nodeDecoder is implemented (on the pointer) by types that read their own
// YAML syntax, e.g. Duration reads "1m30s".
type nodeDecoder interface {
	decodeNode(d *decoder, n ast.Node, path string)
}

const maxDepth = 64

// maxVisits bounds the nodes decoded in one file, aliases expanded: a
// small file whose aliases refer to lists of aliases would otherwise
// expand exponentially.
const maxVisits = 200000

// budget counts one node visit and reports whether decoding may go on.
func (d *decoder) budget(n ast.Node, path string) bool {
	d.visits++
	if d.visits == maxVisits+1 {
		d.errorf(n, path, "do aliases refer to lists of aliases?", "the document expands to more than %d values", maxVisits)
	}
	return d.visits <= maxVisits
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, pos: map[string]Pos{}, nulls: map[string]bool{}, anchors: map[string]ast.Node{}}
}

// at returns the position of n.
func (d *decoder) at(n ast.Node) Pos {
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return Pos{File: d.file}
	}
	p := n.GetToken().Position
	return Pos{File: d.file, Line: p.Line, Col: p.Column}
}

// errorf records a mistake at n.
func (d *decoder) errorf(n ast.Node, path, hint, format string, args ...any) {
	d.errs = append(d.errs, &ValidationError{Pos: d.at(n), Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// resolve strips anchors, tags and aliases so that callers see the node
// that holds the value.
func (d *decoder) resolve(n ast.Node, path string) ast.Node {
	for i := 0; i < 16 && n != nil; i++ {
		switch t := n.(type) {
		case *ast.AnchorNode:
			if t.Name != nil {
				d.anchors[t.Name.String()] = t.Value
			}
			n = t.Value
		case *ast.TagNode:
			n = t.Value
		case *ast.AliasNode:
			name := ""
			if t.Value != nil {
				name = t.Value.String()
			}
			target, ok := d.anchors[name]
			if !ok {
				d.errorf(t, path, "define the anchor with &"+name+" before using it", "alias *%s refers to no anchor", name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
	return n
}

// kindName describes a node's type for error messages.
func kindName(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode:
		return "an integer"
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.NullNode, nil:
		return "nothing"
	default:
		return "a " + strings.ToLower(n.Type().String())
	}
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

// mappingPairs returns the key/value pairs of a mapping node (a lone
// MappingValueNode is a one-pair mapping), expanding merge keys (<<).
func (d *decoder) mappingPairs(n ast.Node, path string) ([]*ast.MappingValueNode, bool) {
	var pairs []*ast.MappingValueNode
	switch t := n.(type) {
	case *ast.MappingNode:
		pairs = t.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{t}
	default:
		return nil, false
	}
	// Merged pairs come first and lose to the mapping's own keys, as in
	// YAML's merge key semantics.
	var merged, own []*ast.MappingValueNode
	for _, kv := range pairs {
		if kv.Key != nil && kv.Key.IsMergeKey() {
			m, ok := d.mappingPairs(d.resolve(kv.Value, path), path)
			if !ok {
				d.errorf(kv.Value, path, "", "merge key << needs a mapping, got %s", kindName(kv.Value))
				continue
			}
			merged = append(merged, m...)
			continue
		}
		own = append(own, kv)
	}
	if len(merged) == 0 {
		return own, true
	}
	ownKeys := map[string]bool{}
	for _, kv := range own {
		ownKeys[keyString(kv)] = true
	}
	var out []*ast.MappingValueNode
	seen := map[string]bool{}
	for _, kv := range merged {
		if k := keyString(kv); !ownKeys[k] && !seen[k] {
			seen[k] = true
			out = append(out, kv)
		}
	}
	return append(out, own...), true
}

// keyString returns a mapping key as text.
func keyString(kv *ast.MappingValueNode) string {
	if kv.Key == nil {
		return ""
	}
	if s, ok := kv.Key.(*ast.StringNode); ok {
		return s.Value
	}
	return kv.Key.String()
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decode reads n into v (addressable) at path.
func (d *decoder) decode(n ast.Node, v reflect.Value, path string) {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.errorf(n, path, "", "nested too deeply")
		return
	}
	if !d.budget(n, path) {
		return
	}
	n = d.resolve(n, path)
	if n == nil {
		return
	}
	d.pos[path] = d.at(n)
	if isNull(n) {
		d.nulls[path] = true
	}
	if v.CanAddr() {
		if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
			nd.decodeNode(d, n, path)
			return
		}
	}
	if isNull(n) {
		return // absent and null are the same: the zero value
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		d.decode(n, nv.Elem(), path)
		v.Set(nv)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			d.errorf(n, path, "write a list: [a, b] or one '- item' per line", "expected a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
		for i, item := range seq.Values {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		pairs, ok := d.mappingPairs(n, path)
		if !ok {
			d.errorf(n, path, "", "expected a mapping, got %s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(pairs))
		for _, kv := range pairs {
			k := keyString(kv)
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(kv.Value, ev, joinPath(path, k))
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), ev)
		}
		v.Set(m)
	case reflect.String:
		switch t := n.(type) {
		case *ast.StringNode:
			v.SetString(t.Value)
		case *ast.LiteralNode:
			v.SetString(t.Value.Value)
		default:
			d.errorf(n, path, "quote it if you mean the text", "expected a string, got %s", kindName(n))
		}
	case reflect.Bool:
		b, ok := n.(*ast.BoolNode)
		if !ok {
			d.errorf(n, path, "use true or false", "expected a boolean, got %s", kindName(n))
			return
		}
		v.SetBool(b.Value)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := d.integer(n, path)
		if !ok {
			return
		}
		if v.OverflowInt(i) {
			d.errorf(n, path, "", "%d is out of range", i)
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, ok := d.integer(n, path)
		if !ok {
			return
		}
		if i < 0 || v.OverflowUint(uint64(i)) {
			d.errorf(n, path, fmt.Sprintf("between 0 and %d", uint64(1)<<(v.Type().Bits())-1), "%d is out of range", i)
			return
		}
		v.SetUint(uint64(i))
	case reflect.Float32, reflect.Float64:
		f, ok := number(n)
		if !ok {
			d.errorf(n, path, "", "expected a number, got %s", kindName(n))
			return
		}
		v.SetFloat(f)
	case reflect.Interface:
		v.Set(reflect.ValueOf(d.generic(n, path)))
	default:
		d.errorf(n, path, "", "cannot decode into %s", v.Type())
	}
}

func (d *decoder) integer(n ast.Node, path string) (int64, bool) {
	in, ok := n.(*ast.IntegerNode)
	if !ok {
		// 1e3 and 2.0 are numbers; 99999999999999999999 is one too big
		// for goccy's integer node: say which, not "a string".
		if text, f, num := numberText(n); num {
			switch {
			case f != math.Trunc(f):
				d.errorf(n, path, "", "%s is not an integer", text)
			case f < math.MinInt64 || f >= math.MaxInt64:
				d.errorf(n, path, "a 64-bit integer: -9223372036854775808..9223372036854775807", "%s is out of range", text)
			default:
				return int64(f), true
			}
			return 0, false
		}
		d.errorf(n, path, "", "expected an integer, got %s", kindName(n))
		return 0, false
	}
	switch x := in.Value.(type) {
	case int64:
		return x, true
	case uint64:
		if x > math.MaxInt64 {
			d.errorf(n, path, "", "%d is out of range", x)
			return 0, false
		}
		return int64(x), true
	}
	i, err := strconv.ParseInt(in.Token.Value, 0, 64)
	if err != nil {
		d.errorf(n, path, "", "bad integer %q", in.Token.Value)
		return 0, false
	}
	return i, true
}

// yamlNumber is YAML 1.2's core-schema number (1e12 is a float there,
// while goccy/go-yaml follows YAML 1.1 and reads it as a string).
var yamlNumber = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// numberText returns the text and value of a node that is a number but
// not an integer node: a float, or an unquoted string in number syntax.
func numberText(n ast.Node) (string, float64, bool) {
	switch t := n.(type) {
	case *ast.FloatNode:
		return t.Token.Value, t.Value, true
	case *ast.StringNode:
		if t.Token == nil || t.Token.Type != token.StringType || !yamlNumber.MatchString(t.Value) {
			return "", 0, false // quoted: the author meant text
		}
		f, err := strconv.ParseFloat(t.Value, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return "", 0, false
		}
		return t.Value, f, true
	}
	return "", 0, false
}

func number(n ast.Node) (float64, bool) {
	if _, f, ok := numberText(n); ok {
		return f, true
	}
	switch t := n.(type) {
	case *ast.IntegerNode:
		switch x := t.Value.(type) {
		case int64:
			return float64(x), true
		case uint64:
			return float64(x), true
		}
	case *ast.FloatNode:
		return t.Value, true
	}
	return 0, false
}

// generic converts n to plain Go values (map[string]any, []any, string,
// int64, float64, bool, nil), for free-form parameters such as faults.
func (d *decoder) generic(n ast.Node, path string) any {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.errorf(n, path, "", "nested too deeply")
		return nil
	}
	if !d.budget(n, path) {
		return nil
	}
	n = d.resolve(n, path)
	if n != nil {
		d.pos[path] = d.at(n)
	}
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return nil
	case *ast.StringNode:
		return t.Value
	case *ast.LiteralNode:
		return t.Value.Value
	case *ast.BoolNode:
		return t.Value
	case *ast.IntegerNode:
		i, _ := d.integer(n, path)
		return i
	case *ast.FloatNode:
		return t.Value
	case *ast.SequenceNode:
		out := make([]any, len(t.Values))
		for i, v := range t.Values {
			out[i] = d.generic(v, fmt.Sprintf("%s[%d]", path, i))
		}
		return out
	case *ast.MappingNode, *ast.MappingValueNode:
		pairs, _ := d.mappingPairs(n, path)
		out := make(map[string]any, len(pairs))
		for _, kv := range pairs {
			out[keyString(kv)] = d.generic(kv.Value, joinPath(path, keyString(kv)))
		}
		return out
	default:
		return n.String()
	}
}

// fieldInfo maps the yaml names of a struct's fields to their indexes.
func fieldInfo(t reflect.Type) (map[string]int, []string) {
	idx := map[string]int{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || name == "" {
			continue
		}
		idx[name] = i
		names = append(names, name)
	}
	sort.Strings(names)
	return idx, names
}

func (d *decoder) decodeStruct(n ast.Node, v reflect.Value, path string) {
	pairs, ok := d.mappingPairs(n, path)
	if !ok {
		d.errorf(n, path, "write key: value pairs", "expected a mapping, got %s", kindName(n))
		return
	}
	idx, names := fieldInfo(v.Type())
	seen := map[string]bool{}
	for _, kv := range pairs {
		k := keyString(kv)
		kp := joinPath(path, k)
		if seen[k] {
			d.errorf(kv.Key, kp, "remove one of them", "duplicate key %q", k)
			continue
		}
		seen[k] = true
		i, ok := idx[k]
		if !ok {
			where := "here"
			if path != "" {
				where = "in " + path
			}
			d.errorf(kv.Key, kp, didYouMean(k, names), "unknown key %q %s", k, where)
			d.errs[len(d.errs)-1].unknownKey = true
			continue
		}
		d.decode(kv.Value, v.Field(i), kp)
	}
}
