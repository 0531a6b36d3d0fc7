/** Türkçe e-postalar (hizmetlerin yazdığı gibi “siz” hitabıyla). */
import type { MailCatalogue } from "../catalogue";

export const tr: MailCatalogue = {
  signature: "— Cargo VPN",
  // Turkish keeps the noun singular after a number: "1 cihaz", "5 cihaz".
  devices: { one: "{count} cihaz", other: "{count} cihaz" },
  verify: {
    subject: "Cargo VPN için e-posta adresinizi onaylayın",
    paragraphs: [
      "Bu adresin Cargo VPN hesabınıza ait olduğunu onaylamak için bu bağlantıyı açın:",
      "{link}",
      "Bağlantı yalnızca bir kez kullanılabilir ve 24 saat sonra süresi dolar. Bu isteği siz yapmadıysanız bu iletiyi dikkate almayın.",
    ],
  },
  reset: {
    subject: "Yeni bir Cargo VPN parolası belirleyin",
    paragraphs: [
      "Birisi (umarız sizsinizdir) bu adrese bağlı Cargo VPN hesabının parolasını sıfırlamak istedi. Yeni bir parola belirlemek için bu bağlantıyı açın:",
      "{link}",
      "Bağlantı yalnızca bir kez kullanılabilir ve 1 saat sonra süresi dolar. Tüm cihazların oturumu kapatılacak. Bu isteği siz yapmadıysanız bu iletiyi dikkate almayın: hiçbir şey değişmez.",
    ],
  },
  deletion: {
    subject: "Cargo VPN hesabınızın silinmesini onaylayın",
    paragraphs: [
      "Birisi (umarız sizsinizdir) bu adrese bağlı Cargo VPN hesabının ve onunla ilgili tüm verilerin silinmesini istedi. Onaylamak için bu bağlantıyı açın:",
      "{link}",
      "Siz o sayfada onaylayana kadar hiçbir şey silinmez. Bağlantı yalnızca bir kez kullanılabilir ve 1 saat sonra süresi dolar. Bu isteği siz yapmadıysanız bu iletiyi dikkate almayın.",
    ],
  },
  newDevice: {
    subject: "Cargo VPN hesabınızda yeni giriş",
    paragraphs: [
      "Cargo VPN hesabınıza bir cihazdan giriş yapıldı:\n\nCihaz: {device} ({kind})\nZaman: {time}",
      "Cihaz adı, cihazın kendine verdiği addır. Cargo VPN bu ada asla bağlantı ya da talimat eklemez.",
      "Giriş yapan sizseniz yapmanız gereken bir şey yok. Siz değilseniz parolanızı değiştirin ve cihazı Cargo VPN açılır penceresindeki (araç çubuğundaki düğme) “Cihazlar” bölümünden kaldırın.",
      "Bu iletileri Cargo VPN açılır penceresindeki “Hesap” bölümünden kapatabilirsiniz: “Yeni bir cihaz giriş yaptığında bana e-posta gönder”.",
    ],
  },
  passwordChanged: {
    subject: "Cargo VPN parolanız değiştirildi",
    paragraphs: [
      "Cargo VPN hesabınızın parolası {time} tarihinde değiştirildi ve diğer cihazların oturumu kapatıldı.",
      "Bunu siz yapmadıysanız parolanızı hemen sıfırlayın: Cargo VPN açılır penceresinin giriş ekranındaki “Parolanızı mı unuttunuz?” bu adrese bir bağlantı gönderir.",
    ],
  },
  emailChanged: {
    subject: "Cargo VPN hesabınızın e-posta adresi değiştirildi",
    paragraphs: [
      "Cargo VPN hesabınızın e-posta adresi {time} tarihinde değiştirildi: yeni adres değişikliği onayladı. İletiler artık oraya gidiyor.",
      "Bunu siz yapmadıysanız bu değişiklikle ilgili önceki iletimizdeki bağlantıyı açın: istekten sonraki 3 gün boyunca bu bağlantı değişikliği geri alır ve tüm cihazların oturumunu kapatır.",
    ],
  },
  emailChangeRequested: {
    subject: "Cargo VPN hesabınızın e-posta adresi değişmek üzere",
    paragraphs: [
      "{time} tarihinde, Cargo VPN hesabınızda oturum açmış biri hesabın yeni bir e-posta adresine taşınmasını istedi. Yeni adres onaylayana kadar hiçbir şey değişmez; o zamana kadar iletiler buraya gelmeye devam eder.",
      "Bu siz değilseniz bu bağlantıyı açın. Bağlantı değişikliği iptal eder (yeni adres zaten onayladıysa geri alır) ve tüm cihazların oturumunu kapatır:",
      "{link}",
      "Bağlantı yalnızca bir kez ve 3 gün boyunca kullanılabilir. Ardından parolanızı değiştirin (giriş ekranındaki “Parolanızı mı unuttunuz?” bu adrese bir bağlantı gönderir).",
    ],
  },
  emailChangeUndone: {
    subject: "Cargo VPN hesabınızın e-posta değişikliği geri alındı",
    paragraphs: [
      "{time} tarihinde, Cargo VPN hesabınızın e-posta adresi değişikliği buraya gönderdiğimiz bağlantıyla geri alındı ve tüm cihazların oturumu kapatıldı. İletiler yeniden bu adrese geliyor.",
      "Şimdi yeni bir parola belirleyin: giriş ekranındaki “Parolanızı mı unuttunuz?” bu adrese bir bağlantı gönderir.",
    ],
  },
  accountDeleted: {
    subject: "Cargo VPN hesabınız silindi",
    paragraphs: [
      "Cargo VPN hesabınız ve onunla ilgili saklanan her şey {time} tarihinde silindi. Hesabın şifreleme anahtarı yok edildi, bu yüzden hiçbir kopya okunamaz.",
      "Bu, bizden alacağınız son iletidir. Cargo VPN'i kullandığınız için teşekkür ederiz.",
    ],
  },
  planChanged: {
    subject: "Cargo VPN planınız artık {plan}",
    paragraphs: [
      "Cargo VPN hesabınız artık {plan} planında: aynı anda en fazla {devices}.",
      "{stay} Bu değişikliği beklemiyorsanız Cargo VPN açılır penceresindeki “Hesap” bölümünden aboneliğinizi kontrol edin.",
    ],
  },
  planStay: "Zaten giriş yapmış cihazların oturumu açık kalır.",
  planStayUntil:
    "Zaten giriş yapmış cihazların oturumu {until} tarihine kadar açık kalır. Ardından en son kullanılan {devices} yerini korur, diğerlerinin oturumu kapatılır. Hangilerinin kalacağını kendiniz seçmek için bu tarihten önce Cargo VPN açılır penceresindeki “Cihazlar” bölümünden cihaz kaldırın.",
  twoFactorEnabled: {
    subject: "Cargo VPN hesabınızda iki adımlı giriş açıldı",
    paragraphs: [
      "Cargo VPN hesabınızda iki adımlı giriş {time} tarihinde açıldı. Bundan sonra giriş yapmak için parolanız ve kimlik doğrulama uygulamanızdan bir kod (ya da kurtarma kodlarınızdan biri) gerekir.",
      "Kurtarma kodlarınızı güvenli bir yerde saklayın: uygulamayı kaybederseniz her biriyle bir kez giriş yapabilirsiniz.",
      "Bunu siz yapmadıysanız parolanızı hemen sıfırlayın: Cargo VPN açılır penceresinin giriş ekranındaki “Parolanızı mı unuttunuz?” bu adrese bir bağlantı gönderir.",
    ],
  },
  twoFactorDisabled: {
    subject: "Cargo VPN hesabınızda iki adımlı giriş kapatıldı",
    paragraphs: [
      "Cargo VPN hesabınızda iki adımlı giriş {time} tarihinde kapatıldı. Giriş için artık yalnızca parolanız yeterli; kurtarma kodlarınız da artık geçersiz.",
      "Bunu siz yapmadıysanız parolanızı hemen sıfırlayın (Cargo VPN açılır penceresinin giriş ekranında “Parolanızı mı unuttunuz?”) ve iki adımlı girişi yeniden açın.",
    ],
  },
  recoveryCodeUsed: {
    subject: "Cargo VPN hesabınıza giriş için bir kurtarma kodu kullanıldı",
    paragraphs: [
      "Cargo VPN hesabınıza giriş yapmak için kimlik doğrulama uygulaması kodu yerine bir kurtarma kodu kullanıldı:\n\nCihaz: {device} ({kind})\nZaman: {time}\nKalan kurtarma kodu: {codesLeft}",
      "Bu kod bir daha çalışmaz. Bu siz değilseniz parolanızı değiştirin ve Cargo VPN açılır penceresindeki “Hesap” bölümünden kurtarma kodlarınızı yenileyin.",
    ],
  },
  passkeyAdded: {
    subject: "Cargo VPN hesabınıza bir geçiş anahtarı eklendi",
    paragraphs: [
      "Cargo VPN hesabınız için {time} tarihinde bir geçiş anahtarı kaydedildi. Bu anahtar artık kod yerine bir girişi tamamlayabilir.",
      "Bunu siz yapmadıysanız geçiş anahtarını Cargo VPN açılır penceresindeki “Hesap” bölümünden kaldırın ve parolanızı hemen değiştirin.",
    ],
  },
  passkeyRemoved: {
    subject: "Cargo VPN hesabınızdan bir geçiş anahtarı kaldırıldı",
    paragraphs: [
      "Cargo VPN hesabınızdan {time} tarihinde bir geçiş anahtarı kaldırıldı; bu anahtarla artık giriş yapılamaz.",
      "Bunu siz yapmadıysanız parolanızı hemen değiştirin.",
    ],
  },
};
