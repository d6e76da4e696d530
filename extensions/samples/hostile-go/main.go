// Hostile sample in Go: the failures of Go's runtime (out of memory, panic) end with a message
// on stderr and proc_exit; the host must turn them into a failed call, not a dead process.
package main

import "github.com/extism/go-pdk"

var kept [][]byte

// Keeps 1 MiB more at each turn, writing into it so that the pages are really used.
//
//go:wasmexport solidarity_price
func solidarityPrice() int32 {
	for {
		block := make([]byte, 1<<20)
		for i := range block {
			block[i] = byte(i)
		}
		kept = append(kept, block)
	}
}

//go:wasmexport go_panic
func goPanic() int32 {
	var tiers map[string]int
	tiers["A"] = 1 // assignment to a nil map
	pdk.OutputString("{}")
	return 0
}

func main() {}
