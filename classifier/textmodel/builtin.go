package textmodel

import (
	_ "embed"
	"sync"
)

//go:embed model.bin.gz
var builtinModel []byte

var builtin = sync.OnceValues(func() (*Model, error) { return Decode(builtinModel) })

// Builtin returns the embedded model, trained by go generate (see gen/).
// It is decoded once and shared.
func Builtin() (*Model, error) { return builtin() }
