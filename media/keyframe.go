package media

// H.264 NAL unit types used by roombot (ITU-T H.264 Table 7-1, RFC 6184).
const (
	nalSlice  = 1
	nalIDR    = 5
	nalSTAPA  = 24
	nalFUA    = 28
	vp8MinLen = 1
)

// KeyframeStart reports whether an RTP payload of the given codec begins the
// picture data of a keyframe: a VP8 partition start with the P bit clear, or
// the (first fragment of an) H.264 IDR slice, alone or in a STAP-A. An H.264
// STAP-A holding only SPS/PPS is not picture data and reports false. Malformed
// payloads report false. It does not allocate.
func KeyframeStart(c Codec, payload []byte) bool {
	switch c {
	case CodecVP8:
		off, ok := vp8DescriptorLen(payload)
		if !ok || payload[0]&0x10 == 0 || payload[0]&0x07 != 0 || off >= len(payload) {
			return false
		}
		return payload[off]&0x01 == 0
	case CodecH264:
		return h264HasIDRStart(payload)
	}
	return false
}

// FrameStart reports whether a payload begins a new frame (VP8 S bit with
// partition 0; H.264 single NAL, STAP-A, or first FU-A fragment). Audio
// payloads always begin a frame.
func FrameStart(c Codec, payload []byte) bool {
	switch c {
	case CodecVP8:
		_, ok := vp8DescriptorLen(payload)
		return ok && payload[0]&0x10 != 0 && payload[0]&0x07 == 0
	case CodecH264:
		if len(payload) < 1 {
			return false
		}
		switch payload[0] & 0x1F {
		case nalFUA:
			return len(payload) >= 2 && payload[1]&0x80 != 0
		default:
			return true
		}
	}
	return true
}

// KeyframeFingerprint returns an FNV-1a 64-bit hash of the codec bitstream
// bytes of a payload for which KeyframeStart is true; for VP8 the payload
// descriptor is skipped, so that a forwarder rewriting picture IDs does not
// change it. The fixture library indexes its keyframes by this value, so a
// receiver can tell which camera a stream shows without decoding. ok is false
// when the payload does not start a keyframe. It does not allocate.
func KeyframeFingerprint(c Codec, payload []byte) (fp uint64, ok bool) {
	if !KeyframeStart(c, payload) {
		return 0, false
	}
	data := payload
	if c == CodecVP8 {
		off, _ := vp8DescriptorLen(payload)
		data = payload[off:]
	}
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64)
	for _, b := range data {
		h ^= uint64(b)
		h *= prime64
	}
	return h, true
}

// vp8DescriptorLen returns the length of the VP8 payload descriptor (RFC 7741
// section 4.2) at the start of payload.
func vp8DescriptorLen(p []byte) (int, bool) {
	if len(p) < vp8MinLen {
		return 0, false
	}
	off := 1
	if p[0]&0x80 == 0 {
		return off, true
	}
	if len(p) < 2 {
		return 0, false
	}
	x := p[1]
	off = 2
	if x&0x80 != 0 { // I: picture ID, 7 or 15 bits
		if len(p) <= off {
			return 0, false
		}
		if p[off]&0x80 != 0 {
			off += 2
		} else {
			off++
		}
	}
	if x&0x40 != 0 { // L: TL0PICIDX
		off++
	}
	if x&0x30 != 0 { // T or K: TID/Y/KEYIDX
		off++
	}
	if off > len(p) {
		return 0, false
	}
	return off, true
}

// h264HasIDRStart reports whether an H.264 RTP payload starts an IDR slice.
func h264HasIDRStart(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	switch t := p[0] & 0x1F; t {
	case nalIDR:
		return true
	case nalFUA:
		return len(p) >= 2 && p[1]&0x80 != 0 && p[1]&0x1F == nalIDR
	case nalSTAPA:
		for i := 1; i+2 < len(p); {
			n := int(p[i])<<8 | int(p[i+1])
			i += 2
			if n == 0 || i+n > len(p) {
				return false
			}
			if p[i]&0x1F == nalIDR {
				return true
			}
			i += n
		}
	}
	return false
}
