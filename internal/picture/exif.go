package picture

import "encoding/binary"

// Orientation values of the EXIF Orientation tag (0x0112): how the stored pixels must be turned
// to be seen upright. 1 is upright; 2-8 are the seven other flips and quarter turns.
const (
	OrientUpright        = 1
	OrientFlipH          = 2
	OrientRotate180      = 3
	OrientFlipV          = 4
	OrientTranspose      = 5
	OrientRotate90CW     = 6
	OrientTransverse     = 7
	OrientRotate90CCW    = 8
	exifOrientationTag   = 0x0112
	maxJPEGSegmentsRead  = 64
	exifHeader           = "Exif\x00\x00"
	jpegSOI, jpegSOS     = 0xD8, 0xDA
	jpegAPP1             = 0xE1
	tiffTypeShort        = 3
	maxIFDEntriesScanned = 512
)

// JPEGOrientation returns the EXIF orientation (1-8) of a JPEG file, read from the Orientation
// tag of IFD0 in its APP1 Exif segment; 1 when the file has none, or anything about it is
// malformed. It reads only the segments before the image data and never panics.
func JPEGOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != jpegSOI {
		return OrientUpright
	}
	p := 2
	for range maxJPEGSegmentsRead {
		// Markers may be padded with any number of 0xFF bytes.
		for p < len(b) && b[p] == 0xFF && p+1 < len(b) && b[p+1] == 0xFF {
			p++
		}
		if p+4 > len(b) || b[p] != 0xFF {
			return OrientUpright
		}
		marker := b[p+1]
		if marker == jpegSOS || marker == 0xD9 {
			return OrientUpright
		}
		// Markers without a length: TEM and RST0-7.
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			p += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(b[p+2:]))
		if n < 2 || p+2+n > len(b) {
			return OrientUpright
		}
		seg := b[p+4 : p+2+n]
		if marker == jpegAPP1 && len(seg) >= len(exifHeader) && string(seg[:len(exifHeader)]) == exifHeader {
			if o, ok := tiffOrientation(seg[len(exifHeader):]); ok {
				return o
			}
		}
		p += 2 + n
	}
	return OrientUpright
}

// tiffOrientation reads the Orientation tag from IFD0 of a TIFF structure (an Exif payload).
func tiffOrientation(t []byte) (int, bool) {
	if len(t) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0, false
	}
	off := bo.Uint32(t[4:])
	if off < 8 || uint64(off)+2 > uint64(len(t)) {
		return 0, false
	}
	count := int(bo.Uint16(t[off:]))
	entries := t[off+2:]
	for i := 0; i < count && i < maxIFDEntriesScanned; i++ {
		if len(entries) < (i+1)*12 {
			return 0, false
		}
		e := entries[i*12 : (i+1)*12]
		if bo.Uint16(e) != exifOrientationTag {
			continue
		}
		if bo.Uint16(e[2:]) != tiffTypeShort || bo.Uint32(e[4:]) != 1 {
			return 0, false
		}
		o := int(bo.Uint16(e[8:]))
		if o < OrientUpright || o > OrientRotate90CCW {
			return 0, false
		}
		return o, true
	}
	return 0, false
}
