/**
 * What a bundle's signature means to the person about to run it, in one plain sentence shared
 * by the CLI and the UI. An unsigned or untrusted bundle still opens and runs (unless the
 * signature policy says otherwise), but nobody vouches for it, and we say so.
 */
import type { SignatureStatus } from './dsse';

export interface TrustStatement {
  /** True only when a key the user trusts signed exactly this bundle.json. */
  vouched: boolean;
  text: string;
}

export function trustStatement(signature: { status: SignatureStatus; keyid?: string | undefined }): TrustStatement {
  const key = signature.keyid ? `key ${signature.keyid.slice(0, 16)}…` : 'a key';
  switch (signature.status) {
    case 'trusted':
      return { vouched: true, text: `Signed by ${key}, which you trust: its owner vouches for every file of this bundle.` };
    case 'untrusted':
      return { vouched: false, text: `Nobody you trust vouches for this bundle: it is signed by ${key}, which is not among your trusted keys.` };
    case 'invalid':
      return { vouched: false, text: 'Nobody vouches for this bundle: its signature does not verify (it was changed after signing, or the signature is forged).' };
    case 'unsigned':
      return { vouched: false, text: 'Nobody vouches for this bundle: it is not signed. Run it only if you trust where it came from.' };
  }
}
