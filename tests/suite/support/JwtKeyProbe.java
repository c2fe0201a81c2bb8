// Loads OpenMetadata's JWT key files the way its server does (JWTTokenGenerator: the JDK's
// KeyFactory with PKCS8EncodedKeySpec for the private key, X509EncodedKeySpec for the public
// key), signs a message with the private key (SHA256withRSA, what Algorithm.RSA256 is), and
// verifies the signature with the public key file and with the JWK given as n and e (base64url,
// as a JWKS entry holds them). Prints the JWKS entry's n and e the way the server writes them
// (Base64.getUrlEncoder() over BigInteger.toByteArray()), then one line per check.
// Run as a single-file program:
//   java tests/suite/support/JwtKeyProbe.java PRIVATE.der PUBLIC.der N E
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

public class JwtKeyProbe {
    public static void main(String[] args) throws Exception {
        KeyFactory kf = KeyFactory.getInstance("RSA");
        RSAPrivateKey privateKey = (RSAPrivateKey) kf.generatePrivate(
                new PKCS8EncodedKeySpec(Files.readAllBytes(Paths.get(args[0]))));
        RSAPublicKey publicKey = (RSAPublicKey) kf.generatePublic(
                new X509EncodedKeySpec(Files.readAllBytes(Paths.get(args[1]))));
        Base64.Encoder url = Base64.getUrlEncoder();
        System.out.println("n " + url.encodeToString(publicKey.getModulus().toByteArray()));
        System.out.println("e " + url.encodeToString(publicKey.getPublicExponent().toByteArray()));
        System.out.println("bits " + privateKey.getModulus().bitLength());

        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(privateKey);
        signer.update(message);
        byte[] signature = signer.sign();
        System.out.println("signature " + url.encodeToString(signature));

        Base64.Decoder decode = Base64.getUrlDecoder();
        PublicKey fromJwk = kf.generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, decode.decode(args[2])), new BigInteger(1, decode.decode(args[3]))));
        System.out.println("verified-by-file " + verify(publicKey, message, signature));
        System.out.println("verified-by-jwk " + verify(fromJwk, message, signature));
    }

    static boolean verify(PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }
}
