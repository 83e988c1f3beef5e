package session

import (
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestCodec(t *testing.T) {
	t.Parallel()
	deadline := time.Date(2026, 11, 27, 12, 0, 0, 123456789, time.UTC)
	for _, values := range []map[string]any{
		{},
		{UserID: int64(42), Version: int64(3), "flash": "Thank you! <b>&</b> \"quoted\""},
		{"other": 3.5, UserID: int64(1)}, // a type the JSON form does not carry: gob
	} {
		b, err := codec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		gotDeadline, got, err := codec{}.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, values) {
			t.Errorf("round trip of %v = %v %v", values, gotDeadline, got)
		}
	}
	// Sessions written by scs's default codec before this one still load.
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{UserID: int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	if d, got, err := (codec{}).Decode(old); err != nil || !d.Equal(deadline) || got[UserID] != int64(7) {
		t.Errorf("gob session = %v %v %v", d, got, err)
	}
}
