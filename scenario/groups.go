package scenario

// GroupMembers returns each group's userIDs in group order (nil before the
// Config is validated). Reports use it for per-group figures (run.json
// "groups").
func (c *Config) GroupMembers() map[string][]string {
	if c.roster == nil {
		return nil
	}
	out := make(map[string][]string, len(c.roster.groups))
	for g, users := range c.roster.groups {
		ids := make([]string, len(users))
		for i, u := range users {
			ids[i] = u.ID
		}
		out[g] = ids
	}
	return out
}
