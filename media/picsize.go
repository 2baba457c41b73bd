package media

// PictureSize returns the coded picture size an RTP payload announces: a
// VP8 keyframe's header (RFC 6386 §9.1: start code 9d 01 2a, then 14-bit
// width and height), or an H.264 sequence parameter set (ITU-T H.264
// §7.3.2.1.1), alone or in a STAP-A, with its frame cropping applied. ok is
// false for any other payload, a malformed one, or an SPS this parser does
// not read (scaling matrices). It does not allocate.
func PictureSize(c Codec, payload []byte) (width, height int, ok bool) {
	switch c {
	case CodecVP8:
		off, good := vp8DescriptorLen(payload)
		if !good || payload[0]&0x10 == 0 || payload[0]&0x07 != 0 {
			return 0, 0, false
		}
		p := payload[off:]
		if len(p) < 10 || p[0]&0x01 != 0 || p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a {
			return 0, 0, false
		}
		w, h := int(p[6])|int(p[7]&0x3F)<<8, int(p[8])|int(p[9]&0x3F)<<8
		return w, h, w > 0 && h > 0
	case CodecH264:
		if len(payload) < 1 {
			return 0, 0, false
		}
		switch payload[0] & 0x1F {
		case nalSPS:
			return h264SPSSize(payload)
		case nalSTAPA:
			for i := 1; i+2 < len(payload); {
				n := int(payload[i])<<8 | int(payload[i+1])
				i += 2
				if n == 0 || i+n > len(payload) {
					return 0, 0, false
				}
				if payload[i]&0x1F == nalSPS {
					return h264SPSSize(payload[i : i+n])
				}
				i += n
			}
		}
	}
	return 0, 0, false
}

const nalSPS = 7

// bitReader reads an H.264 RBSP: emulation prevention bytes (00 00 03) are
// skipped as it goes.
type bitReader struct {
	p     []byte
	i     int // byte index
	bit   uint
	zeros int // consecutive zero bytes before p[i]
	bad   bool
}

func (r *bitReader) u1() uint {
	if r.i >= len(r.p) {
		r.bad = true
		return 0
	}
	if r.bit == 0 && r.zeros >= 2 && r.p[r.i] == 3 {
		r.i, r.zeros = r.i+1, 0 // emulation prevention byte
		if r.i >= len(r.p) {
			r.bad = true
			return 0
		}
	}
	v := uint(r.p[r.i]>>(7-r.bit)) & 1
	r.bit++
	if r.bit == 8 {
		if r.p[r.i] == 0 {
			r.zeros++
		} else {
			r.zeros = 0
		}
		r.bit, r.i = 0, r.i+1
	}
	return v
}

func (r *bitReader) u(n int) uint {
	var v uint
	for range n {
		v = v<<1 | r.u1()
	}
	return v
}

// ue is an unsigned Exp-Golomb code (§9.1); se the signed one.
func (r *bitReader) ue() uint {
	lz := 0
	for r.u1() == 0 {
		if lz++; lz > 31 || r.bad {
			r.bad = true
			return 0
		}
	}
	return (1<<lz - 1) + r.u(lz)
}

func (r *bitReader) se() int {
	k := r.ue()
	if k&1 == 1 {
		return int(k+1) / 2
	}
	return -int(k / 2)
}

// h264SPSSize parses an SPS NAL unit (its header byte first).
func h264SPSSize(nal []byte) (int, int, bool) {
	r := &bitReader{p: nal[1:]}
	profile := r.u(8)
	r.u(16) // constraint flags, level_idc
	r.ue()  // seq_parameter_set_id
	chroma := uint(1)
	switch profile {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		if chroma = r.ue(); chroma == 3 {
			r.u(1) // separate_colour_plane_flag
		}
		r.ue()           // bit_depth_luma_minus8
		r.ue()           // bit_depth_chroma_minus8
		r.u(1)           // qpprime_y_zero_transform_bypass_flag
		if r.u(1) == 1 { // seq_scaling_matrix_present_flag: not read
			return 0, 0, false
		}
	}
	r.ue()          // log2_max_frame_num_minus4
	switch r.ue() { // pic_order_cnt_type
	case 0:
		r.ue()
	case 1:
		r.u(1)
		r.se()
		r.se()
		n := r.ue()
		if n > 255 {
			return 0, 0, false
		}
		for range n {
			r.se()
		}
	}
	r.ue() // max_num_ref_frames
	r.u(1) // gaps_in_frame_num_value_allowed_flag
	wmbs := r.ue() + 1
	hmaps := r.ue() + 1
	frameMbsOnly := r.u(1)
	if frameMbsOnly == 0 {
		r.u(1) // mb_adaptive_frame_field_flag
	}
	r.u(1) // direct_8x8_inference_flag
	var cl, cr, ct, cb uint
	if r.u(1) == 1 { // frame_cropping_flag
		cl, cr, ct, cb = r.ue(), r.ue(), r.ue(), r.ue()
	}
	if r.bad {
		return 0, 0, false
	}
	// Crop units (§7.4.2.1.1): 4:2:0 crops 2 luma samples per unit across
	// and 2·(2 − frame_mbs_only) down; monochrome 1 and (2 − frame_mbs_only).
	cx, cy := uint(1), 2-frameMbsOnly
	if chroma == 1 {
		cx, cy = 2, 2*(2-frameMbsOnly)
	} else if chroma == 2 {
		cx = 2
	}
	w := int(wmbs*16) - int((cl+cr)*cx)
	h := int(hmaps*16*(2-frameMbsOnly)) - int((ct+cb)*cy)
	return w, h, w > 0 && h > 0
}
