package scenario

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// String is the fault as a reader wrote it: its name and key=value
// parameters in key order; strings with spaces are quoted, nested values
// are JSON.
func (f Fault) String() string {
	keys := make([]string, 0, len(f.Params))
	for k := range f.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []string{f.Name}
	for _, k := range keys {
		parts = append(parts, k+"="+paramString(f.Params[k]))
	}
	return strings.Join(parts, " ")
}

func paramString(v any) string {
	switch x := v.(type) {
	case string:
		if x == "" || strings.ContainsAny(x, " \t\n\"=") {
			return fmt.Sprintf("%q", x)
		}
		return x
	case map[string]any, []any:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	case nil:
		return "null"
	default:
		return fmt.Sprint(x)
	}
}
