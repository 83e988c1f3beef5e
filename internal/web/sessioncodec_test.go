package web

import (
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 27, 12, 0, 0, 123456789, time.UTC)
	for _, values := range []map[string]any{
		{},
		{sessionUserID: int64(42), sessionVersion: int64(3), flashKey: "Thank you! <b>&</b> \"quoted\""},
		{"other": 3.5, sessionUserID: int64(1)}, // a type the JSON form does not carry: gob
	} {
		b, err := sessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		gotDeadline, got, err := sessionCodec{}.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, values) {
			t.Errorf("round trip of %v = %v %v", values, gotDeadline, got)
		}
	}
	// Sessions written by scs's default codec before this one still load.
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{sessionUserID: int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	if d, got, err := (sessionCodec{}).Decode(old); err != nil || !d.Equal(deadline) || got[sessionUserID] != int64(7) {
		t.Errorf("gob session = %v %v %v", d, got, err)
	}
}
