/*
 * bench/mint.c: RS256-signs JWT signing inputs in bulk for bench/run.
 *
 *   mint key.pem < inputs > tokens
 *
 * Each input line is "base64url(header).base64url(payload)"; each output
 * line is that followed by "." and the base64url RS256 signature.  Perl's
 * Crypt::JWT signs about 270 tokens/s here, libcrypto about 900, and
 * bench/run needs 20,000 of them, and 90,000 more for mix Z (minted by two
 * of these at once).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>


static void
b64url(const unsigned char *in, size_t len, FILE *out)
{
    static const char  tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t             i;
    unsigned long      v;

    for (i = 0; i + 2 < len; i += 3) {
        v = (unsigned long) in[i] << 16 | in[i + 1] << 8 | in[i + 2];
        putc(tab[v >> 18 & 63], out);
        putc(tab[v >> 12 & 63], out);
        putc(tab[v >> 6 & 63], out);
        putc(tab[v & 63], out);
    }

    if (len - i == 1) {
        v = (unsigned long) in[i] << 16;
        putc(tab[v >> 18 & 63], out);
        putc(tab[v >> 12 & 63], out);

    } else if (len - i == 2) {
        v = (unsigned long) in[i] << 16 | in[i + 1] << 8;
        putc(tab[v >> 18 & 63], out);
        putc(tab[v >> 12 & 63], out);
        putc(tab[v >> 6 & 63], out);
    }
}


int
main(int argc, char **argv)
{
    FILE           *f;
    char           *line = NULL;
    size_t          cap = 0, siglen;
    ssize_t         n;
    EVP_PKEY       *pkey;
    EVP_MD_CTX     *mctx;
    unsigned char   sig[1024];

    if (argc != 2) {
        fprintf(stderr, "usage: %s key.pem < inputs > tokens\n", argv[0]);
        return 2;
    }

    f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }

    pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);

    if (pkey == NULL) {
        fprintf(stderr, "%s: cannot read a private key\n", argv[1]);
        return 1;
    }

    mctx = EVP_MD_CTX_new();
    if (mctx == NULL) {
        return 1;
    }

    while ((n = getline(&line, &cap, stdin)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }

        if (n == 0) {
            continue;
        }

        siglen = sizeof(sig);

        if (EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL, pkey) != 1
            || EVP_DigestSign(mctx, sig, &siglen, (unsigned char *) line,
                              (size_t) n) != 1)
        {
            fprintf(stderr, "mint: signing failed\n");
            return 1;
        }

        fwrite(line, 1, (size_t) n, stdout);
        putc('.', stdout);
        b64url(sig, siglen, stdout);
        putc('\n', stdout);

        EVP_MD_CTX_reset(mctx);
    }

    free(line);
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_free(pkey);

    return fflush(stdout) == 0 ? 0 : 1;
}
