package modeldir

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// digestSuffix names the file beside a checkpoint that holds the SHA-256 of the model.json
// saved with it.
const digestSuffix = ".sha256"

// digest is the hexadecimal SHA-256 of b and a newline, as sha256sum prints it.
func digest(b []byte) []byte {
	sum := sha256.Sum256(b)
	return []byte(hex.EncodeToString(sum[:]) + "\n")
}

// checkDigest compares dir's model.json with the digest saved beside checkpoint. Folders saved
// before digests were kept have none, and pass: their edits are caught only where the
// description contradicts itself or the checkpoint.
func checkDigest(dir, checkpoint string) error {
	want, err := os.ReadFile(filepath.Join(dir, checkpoint+digestSuffix))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: checkpoint %s: %w", dir, checkpoint, err)
	}
	b, err := Read(dir)
	if err != nil {
		return err
	}
	if got := digest(b); !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		return fmt.Errorf("%s: %s was changed after the model was saved: its SHA-256 is not the one saved with checkpoint %s "+
			"(edited by hand, or another model's; the model folder is inconsistent)", dir, File, checkpoint)
	}
	return nil
}
