/** Hesap sayfaları Türkçe (e-postalar ve eklenti gibi “siz” hitabıyla; “parola”, “geçiş anahtarı”, “giriş yapmak”, “cihaz”). */
import type { PageCatalogue } from "../page-catalogue";

export const tr: PageCatalogue = {
  needsScript: "Bu sayfanın onaylayabilmesi için JavaScript gerekir: yalnızca bu sitenin kendi betiğini çalıştırır.",
  verifyEmail: {
    title: "E-posta adresinizi onaylayın",
    intro: "Bu e-posta adresinin Cargo VPN hesabınıza ait olduğunu onaylayın.",
    submit: "E-posta adresimi onayla",
  },
  resetPassword: {
    title: "Yeni bir parola belirleyin",
    intro:
      "Parolanız bu cihazda anahtarlara dönüştürülür; parolanın kendisi bize hiçbir zaman gönderilmez. Tüm cihazların oturumu kapatılır.",
    username: "Kullanıcı adınız",
    usernameHint:
      "Giriş yaparken kullandığınız ad. Onu yalnızca sizin cihazlarınız okuyabilir; bu yüzden yeni parolayla yeniden kilitlemek için soruyoruz.",
    newPassword: "Yeni parola",
    // Turkish keeps the noun singular after a number, as the mails do.
    passwordHint: {
      one: "En az {count} karakter. En iyisi uzun bir cümledir.",
      other: "En az {count} karakter. En iyisi uzun bir cümledir.",
    },
    repeatPassword: "Yeni parolayı tekrar girin",
    submit: "Yeni parolayı kaydet",
  },
  undoEmailChange: {
    title: "E-posta değişikliğini geri alın",
    intro:
      "Bu işlem Cargo VPN hesabınızın e-posta adresi değişikliğini iptal eder ya da değişiklik gerçekleştiyse bu adresi geri getirir ve tüm cihazların oturumunu kapatır. Ardından yeni bir parola belirleyin: Cargo VPN açılır penceresinin giriş ekranındaki “Parolanızı mı unuttunuz?” bu adrese bir bağlantı gönderir.",
    submit: "Değişikliği geri al ve tüm oturumları kapat",
  },
  deleteAccount: {
    title: "Hesabınızı silin",
    intro: "Bu işlem Cargo VPN hesabınızı ve onunla ilgili saklanan her şeyi siler: cihazlar, kullanım geçmişi, ayarlar. Geri alınamaz.",
    understood: "Hesabımın ve verilerinin kalıcı olarak silineceğini anlıyorum.",
    submit: "Hesabımı sil",
  },
  passkeys: {
    title: "Geçiş anahtarı ekleyin",
    intro: "Bu cihazdaki bir geçiş anahtarı (ya da bir güvenlik anahtarı), parolanızdan sonra Cargo VPN girişinizi tamamlayabilir.",
    label: "Bu geçiş anahtarının adı (isteğe bağlı)",
    submit: "Geçiş anahtarı oluştur",
  },
  passkeySignIn: {
    title: "Geçiş anahtarınızla giriş yapın",
    intro: "Parolanız doğruydu. Bitirmek için geçiş anahtarınızı kullanın; girişi eklenti tamamlar.",
    submit: "Geçiş anahtarımı kullan",
  },
  script: {
    needsLink: "Bu sayfa e-postadaki bağlantının tamamına ihtiyaç duyar. Bağlantıyı yeniden açın ya da tamamını adres çubuğuna kopyalayın.",
    needsExtension: "Bu sayfayı eklentiden açın: eklentinin açtığı bağlantı, bu adımın ihtiyaç duyduğu bilgiyi taşır.",
    confirming: "Onaylanıyor…",
    emailConfirmed: "E-posta adresiniz onaylandı. Bu sayfayı kapatabilirsiniz.",
    usernameInvalid: "Giriş yaparken kullandığınız kullanıcı adını girin.",
    passwordTooShort: {
      one: "En az {count} karakterlik bir parola seçin.",
      other: "En az {count} karakterlik bir parola seçin.",
    },
    passwordsDiffer: "İki parola birbirinden farklı. Aynı parolayı iki kez girin.",
    deriving: "Anahtarlarınız bu cihazda oluşturuluyor (birkaç saniye)…",
    passwordChanged: "Parolanız değiştirildi ve tüm cihazların oturumu kapatıldı. Yeni parolanızla yeniden giriş yapın.",
    tickTheBox: "Bu işlemin geri alınamayacağını anladığınızı onaylamak için kutuyu işaretleyin.",
    deleting: "Siliniyor…",
    deleted: "Hesabınız ve tüm verileri silindi. Bunu son bir mesajla da onaylayacağız.",
    undoing: "Değişiklik geri alınıyor…",
    undone:
      "E-posta değişikliği geri alındı ve tüm cihazların oturumu kapatıldı. Şimdi yeni bir parola belirleyin: Cargo VPN açılır penceresinin giriş ekranındaki “Parolanızı mı unuttunuz?” bu adrese bir bağlantı gönderir.",
    passkeyCreating: "Geçiş anahtarı oluşturmak için tarayıcınızın yönergelerini izleyin…",
    passkeyRegistered: "Geçiş anahtarınız kaydedildi. Giriş yaparken parolanızdan sonra istenecek. Bu sayfayı kapatabilirsiniz.",
    passkeyUsing: "Geçiş anahtarınızı kullanmak için tarayıcınızın yönergelerini izleyin…",
    passkeySignedIn: "Tamam: eklenti girişinizi tamamlıyor. Bu sayfayı kapatabilirsiniz.",
    passkeyCancelled: "Tarayıcı bir geçiş anahtarı oluşturmadı ya da kullanmadı (iptal edildi veya kullanılamıyor). Yeniden deneyin.",
    invalidToken: "Bu bağlantı artık geçerli değil: daha önce kullanılmış, süresi dolmuş ya da eksik kopyalanmış. Yenisini isteyin.",
    usernameMismatch: "Bu, bu hesabın kullanıcı adı değil. Giriş yaparken kullandığınız adı girin.",
    rateLimited: "Çok fazla deneme yapıldı. Biraz bekleyip tekrar deneyin.",
    rateLimitedWait: "Çok fazla deneme yapıldı. {wait} tekrar deneyin.",
    busyWait: "Cargo VPN hizmeti yoğun. {wait} tekrar deneyin.",
    tryAgainNow: "Şimdi tekrar deneyebilirsiniz.",
    network: "Sunucuya ulaşılamadı. Bağlantınızı kontrol edip tekrar deneyin.",
    validation: "Bazı bilgiler geçerli değil. Kontrol edip tekrar deneyin.",
    unknown: "Bir şeyler ters gitti. Daha sonra tekrar deneyin.",
    invalidTicket: "Bu geçiş anahtarı bağlantısının süresi doldu ya da bağlantı zaten kullanıldı. Eklentiden yeniden açın.",
    invalidChallenge: "Bu adımın süresi doldu ya da adım zaten kullanıldı. Eklentiden yeniden başlayın.",
    invalidPasskey: "Geçiş anahtarı kabul edilmedi. Yeniden deneyin ya da başka bir geçiş anahtarı kullanın.",
    passkeyLimit: {
      one: "Bir hesabın en fazla {count} geçiş anahtarı olabilir. Önce Cargo VPN açılır penceresindeki “Hesap” bölümünden birini kaldırın.",
      other:
        "Bir hesabın en fazla {count} geçiş anahtarı olabilir. Önce Cargo VPN açılır penceresindeki “Hesap” bölümünden birini kaldırın.",
    },
  },
};
