package protocol

import "encoding/json"

// UnmarshalJSON requires both fields: a state left out is not "false"
// (`{"audioMuted":true}` must not turn the camera on).
func (m *Media) UnmarshalJSON(b []byte) error {
	var raw struct {
		AudioMuted *bool `json:"audioMuted"`
		VideoOff   *bool `json:"videoOff"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	switch {
	case raw.AudioMuted == nil:
		return &FieldError{Field: "audioMuted", Reason: "required (true or false)"}
	case raw.VideoOff == nil:
		return &FieldError{Field: "videoOff", Reason: "required (true or false)"}
	}
	m.AudioMuted, m.VideoOff = *raw.AudioMuted, *raw.VideoOff
	return nil
}
