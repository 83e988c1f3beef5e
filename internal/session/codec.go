package session

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/alexedwards/scs/v2"
)

// codec encodes sessions that hold only strings and int64s (all Starboard keeps: the
// member's id, the session version, a flash message, a new token shown once) as a small JSON
// object behind a marker. Every signed-in request decodes its session, and gob, scs's default,
// compiles a decoder from the type information it sends with each session: that was a third of
// the time spent loading a session. A session holding any other type, or one written before
// this codec (gob), still goes through gob.
type codec struct{}

var marker = []byte("sbv1:")

type codecData struct {
	Deadline int64             `json:"d"` // Unix nanoseconds
	Strings  map[string]string `json:"s,omitempty"`
	Ints     map[string]int64  `json:"i,omitempty"`
}

// Encode returns the session's bytes.
func (codec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	d := codecData{Deadline: deadline.UnixNano()}
	for k, v := range values {
		switch v := v.(type) {
		case string:
			if d.Strings == nil {
				d.Strings = map[string]string{}
			}
			d.Strings[k] = v
		case int64:
			if d.Ints == nil {
				d.Ints = map[string]int64{}
			}
			d.Ints[k] = v
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return append(bytes.Clone(marker), b...), nil
}

// Decode reads what Encode wrote, or a gob-encoded session.
func (codec) Decode(b []byte) (time.Time, map[string]any, error) {
	rest, ok := bytes.CutPrefix(b, marker)
	if !ok {
		return scs.GobCodec{}.Decode(b)
	}
	var d codecData
	if err := json.Unmarshal(rest, &d); err != nil {
		return time.Time{}, nil, err
	}
	values := make(map[string]any, len(d.Strings)+len(d.Ints))
	for k, v := range d.Strings {
		values[k] = v
	}
	for k, v := range d.Ints {
		values[k] = v
	}
	return time.Unix(0, d.Deadline).UTC(), values, nil
}
