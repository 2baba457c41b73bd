package codes

import (
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"strings"
	"testing"
)

// TestEveryCodeHasText: reports label codes with Text, so every code
// constant of this package has one (a report row "9999" with no meaning
// was a defect). Sizes and the IM send codes, which overlap the
// component's codes, are the exceptions.
func TestEveryCodeHasText(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, f := range pkgs["codes"].Files {
		files = append(files, f)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}}
	if _, err := (&types.Config{Importer: importer.Default()}).Check("codes", fset, files, info); err != nil {
		t.Fatal(err)
	}
	n := 0
	for id, obj := range info.Defs {
		c, ok := obj.(*types.Const)
		if !ok || !id.IsExported() || strings.HasPrefix(id.Name, "Max") || strings.HasPrefix(id.Name, "ErrIM") || id.Name == "IMConnectionInit" {
			continue
		}
		v, _ := constant.Int64Val(c.Val())
		n++
		if Text(int(v)) == "" {
			t.Errorf("%s (%d) has no Text", id.Name, v)
		}
	}
	if n < 40 {
		t.Fatalf("only %d codes found", n)
	}
}
