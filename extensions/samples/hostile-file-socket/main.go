// Hostile sample: tries to read a file of the host, to list its root, to open a TCP socket and
// to make an HTTP request through Extism, then answers with whatever it got. The host grants
// none of these: every attempt must come back as an error, and nothing of the host leaks.
package main

import (
	"encoding/json"
	"net"
	"os"

	"github.com/extism/go-pdk"
)

func attempt(err error, got string) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return got
}

//go:wasmexport solidarity_price
func solidarityPrice() int32 {
	answer := map[string]string{}

	data, err := os.ReadFile("/etc/passwd")
	answer["file"] = attempt(err, string(data))

	entries, err := os.ReadDir("/")
	names := ""
	for _, entry := range entries {
		names += entry.Name() + " "
	}
	answer["directory"] = attempt(err, names)

	connection, err := net.Dial("tcp", "127.0.0.1:80")
	if connection != nil {
		connection.Close()
	}
	answer["socket"] = attempt(err, "connected")

	request := pdk.NewHTTPRequest(pdk.MethodGet, "http://127.0.0.1/")
	response := request.Send()
	answer["http"] = attempt(nil, string(response.Body()))

	pdk.Log(pdk.LogInfo, "hostile-file-socket tried the file system and the network")
	output, _ := json.Marshal(answer)
	pdk.Output(output)
	return 0
}

func main() {}
