package signature

import (
	"encoding/hex"
	"os"
)

func hexDecode(s string) ([]byte, error) { return hex.DecodeString(s) }

func readFileF(name string) ([]byte, error) { return os.ReadFile(name) }
