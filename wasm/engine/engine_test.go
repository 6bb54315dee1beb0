package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"textlab/internal/enginetest"
	"textlab/wasm/protocol"
)

func serve(t *testing.T, method, payload string) protocol.Message {
	t.Helper()
	_, call := enginetest.New(t, func(e *protocol.Engine) { Register(e, Options{}) })
	return call(method, payload, nil)
}

func TestEngineMethods(t *testing.T) {
	tests := []struct {
		method, payload string
		wantCode        string // "" for success
		wantInResult    string
	}{
		{"engine.info", "", "", `"engine.fail","engine.info","engine.selftest","engine.status_card"`},
		{"engine.status_card", `{"workers":3,"isolated":true}`, "", `3 (one Go instance each)`},
		{"engine.status_card", `{"workers":"x"}`, protocol.CodeBadRequest, ""},
		{"engine.selftest", `{"steps":3,"ms":1}`, "", `"steps":3`},
		{"engine.selftest", `{"steps":0}`, protocol.CodeBadRequest, ""},
		{"engine.fail", `{"kind":"error"}`, protocol.CodeFailed, ""},
		{"engine.fail", `{"kind":"panic"}`, protocol.CodeInternal, ""},
		{"engine.fail", `{"kind":"other"}`, protocol.CodeBadRequest, ""},
		{"engine.fail", `{"kind":"exit"}`, protocol.CodeBadRequest, ""}, // natively: would end the test process
	}
	for _, tc := range tests {
		m := serve(t, tc.method, tc.payload)
		if tc.wantCode != "" {
			if m.Error == nil || m.Error.Code != tc.wantCode {
				t.Errorf("%s %s: got %+v, want error %s", tc.method, tc.payload, m, tc.wantCode)
			}
			continue
		}
		if m.Type != "result" {
			t.Errorf("%s: got %+v", tc.method, m)
			continue
		}
		b, _ := json.Marshal(m.Result)
		if !strings.Contains(string(b), tc.wantInResult) {
			t.Errorf("%s: result %s lacks %s", tc.method, b, tc.wantInResult)
		}
	}
}

func TestStatusCardEscapes(t *testing.T) {
	m := serve(t, "engine.status_card", `{"workers":2}`)
	html := m.Result.(protocol.Fragment).HTML
	if !strings.Contains(html, `data-rendered-by="engine"`) || !strings.Contains(html, "not cross-origin isolated") {
		t.Fatalf("unexpected card: %s", html)
	}
}
