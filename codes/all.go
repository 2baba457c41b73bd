package codes

// Texts returns every code Text describes, as a new map (the web room page
// serves it as JSON so that its event log and the reports share one table).
func Texts() map[int]string {
	out := make(map[int]string, len(text))
	for k, v := range text {
		out[k] = v
	}
	return out
}
