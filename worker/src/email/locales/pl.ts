/** Wiadomości po polsku (forma „Ty” wielką literą, jak w mailach polskich serwisów, bez form zależnych od płci; daty w nawiasie, bo Intl podaje je w mianowniku). */
import type { MailCatalogue } from "../catalogue";

export const pl: MailCatalogue = {
  signature: "— Cargo VPN",
  // Used after "pozwala na" and alone in brackets: accusative and nominative share these forms.
  devices: { one: "{count} urządzenie", few: "{count} urządzenia", many: "{count} urządzeń", other: "{count} urządzenia" },
  verify: {
    subject: "Potwierdź adres e-mail w Cargo VPN",
    paragraphs: [
      "Otwórz ten link, aby potwierdzić, że ten adres należy do Twojego konta Cargo VPN:",
      "{link}",
      "Link działa jeden raz i wygasa po 24 godzinach. Jeśli ta prośba nie pochodzi od Ciebie, zignoruj tę wiadomość.",
    ],
  },
  reset: {
    subject: "Ustaw nowe hasło do Cargo VPN",
    paragraphs: [
      "Ktoś (mamy nadzieję, że Ty) poprosił o zresetowanie hasła do konta Cargo VPN powiązanego z tym adresem. Otwórz ten link, aby ustawić nowe:",
      "{link}",
      "Link działa jeden raz i wygasa po 1 godzinie. Wszystkie urządzenia zostaną wylogowane. Jeśli ta prośba nie pochodzi od Ciebie, zignoruj tę wiadomość: nic się nie zmieni.",
    ],
  },
  deletion: {
    subject: "Potwierdź usunięcie konta Cargo VPN",
    paragraphs: [
      "Ktoś (mamy nadzieję, że Ty) poprosił o usunięcie konta Cargo VPN powiązanego z tym adresem wraz ze wszystkimi jego danymi. Otwórz ten link, aby to potwierdzić:",
      "{link}",
      "Nic nie zostanie usunięte, dopóki nie potwierdzisz tego na tamtej stronie. Link działa jeden raz i wygasa po 1 godzinie. Jeśli ta prośba nie pochodzi od Ciebie, zignoruj tę wiadomość.",
    ],
  },
  newDevice: {
    subject: "Nowe logowanie na Twoje konto Cargo VPN",
    paragraphs: [
      "Na Twoje konto Cargo VPN zalogowało się urządzenie:\n\nUrządzenie: {device} ({kind})\nCzas: {time}",
      "Nazwa urządzenia to nazwa, którą podało samo urządzenie. Cargo VPN nigdy nie umieszcza w niej linków ani instrukcji.",
      "Jeśli to Ty, nie musisz nic robić. Jeśli nie, zmień hasło i usuń to urządzenie w sekcji „Urządzenia” w oknie rozszerzenia Cargo VPN (przycisk na pasku narzędzi).",
      "Te wiadomości możesz wyłączyć w sekcji „Konto” w oknie rozszerzenia Cargo VPN: „Wysyłaj mi e-mail, gdy zaloguje się nowe urządzenie”.",
    ],
  },
  passwordChanged: {
    subject: "Hasło do Twojego konta Cargo VPN zostało zmienione",
    paragraphs: [
      "Hasło do Twojego konta Cargo VPN zostało zmienione ({time}), a pozostałe urządzenia zostały wylogowane.",
      "Jeśli to nie Ty, od razu zresetuj hasło: „Nie pamiętasz hasła?” na ekranie logowania w oknie rozszerzenia Cargo VPN wyśle link na ten adres.",
    ],
  },
  emailChanged: {
    subject: "Adres e-mail Twojego konta Cargo VPN został zmieniony",
    paragraphs: [
      "Adres e-mail Twojego konta Cargo VPN został zmieniony ({time}): nowy adres potwierdził zmianę. Wiadomości trafiają teraz właśnie tam.",
      "Jeśli to nie Ty, otwórz link z naszej wcześniejszej wiadomości o tej zmianie: przez 3 dni od złożenia prośby cofa on zmianę i wylogowuje wszystkie urządzenia.",
    ],
  },
  emailChangeRequested: {
    subject: "Adres e-mail Twojego konta Cargo VPN wkrótce się zmieni",
    paragraphs: [
      "Ktoś zalogowany na Twoje konto Cargo VPN poprosił ({time}) o przeniesienie go na nowy adres e-mail. Nic się nie zmieni, dopóki nowy adres tego nie potwierdzi; do tego czasu wiadomości nadal będą przychodzić tutaj.",
      "Jeśli to nie Ty, otwórz ten link. Anuluje on zmianę (albo ją cofnie, jeśli nowy adres już ją potwierdził) i wyloguje wszystkie urządzenia:",
      "{link}",
      "Link działa jeden raz i przez 3 dni. Potem zmień hasło („Nie pamiętasz hasła?” na ekranie logowania wyśle link na ten adres).",
    ],
  },
  emailChangeUndone: {
    subject: "Zmiana adresu e-mail Twojego konta Cargo VPN została cofnięta",
    paragraphs: [
      "Zmiana adresu e-mail Twojego konta Cargo VPN została cofnięta ({time}) za pomocą linku, który tu wysłaliśmy, a wszystkie urządzenia zostały wylogowane. Wiadomości znów przychodzą na ten adres.",
      "Ustaw teraz nowe hasło: „Nie pamiętasz hasła?” na ekranie logowania wyśle link na ten adres.",
    ],
  },
  accountDeleted: {
    subject: "Twoje konto Cargo VPN zostało usunięte",
    paragraphs: [
      "Twoje konto Cargo VPN i wszystkie przechowywane o nim dane zostały usunięte ({time}). Klucz szyfrujący konta został zniszczony, więc żadnej kopii nie da się już odczytać.",
      "To ostatnia wiadomość, jaką od nas otrzymasz. Dziękujemy za korzystanie z Cargo VPN.",
    ],
  },
  planChanged: {
    subject: "Twój plan Cargo VPN to teraz {plan}",
    paragraphs: [
      "Twoje konto Cargo VPN korzysta teraz z planu {plan}, który pozwala na {devices} jednocześnie.",
      "{stay} Jeśli ta zmiana jest dla Ciebie zaskoczeniem, sprawdź subskrypcję w sekcji „Konto” w oknie rozszerzenia Cargo VPN.",
    ],
  },
  planStay: "Urządzenia, które są już zalogowane, pozostaną zalogowane.",
  planStayUntil:
    "Urządzenia, które są już zalogowane, pozostaną zalogowane do tego terminu: {until}. Potem zalogowane pozostaną tylko ostatnio używane urządzenia – tyle, na ile pozwala plan ({devices}) – a pozostałe zostaną wylogowane. Aby samodzielnie wybrać, które zostaną, usuń wcześniej urządzenia w sekcji „Urządzenia” w oknie rozszerzenia Cargo VPN.",
  twoFactorEnabled: {
    subject: "Logowanie dwuskładnikowe na Twoim koncie Cargo VPN jest włączone",
    paragraphs: [
      "Na Twoim koncie Cargo VPN włączono logowanie dwuskładnikowe ({time}). Od teraz do zalogowania potrzebne są hasło i kod z aplikacji uwierzytelniającej (albo jeden z Twoich kodów odzyskiwania).",
      "Przechowuj kody odzyskiwania w bezpiecznym miejscu: jeśli stracisz aplikację, każdy z nich pozwoli zalogować się jeden raz.",
      "Jeśli to nie Ty, od razu zresetuj hasło: „Nie pamiętasz hasła?” na ekranie logowania w oknie rozszerzenia Cargo VPN wyśle link na ten adres.",
    ],
  },
  twoFactorDisabled: {
    subject: "Logowanie dwuskładnikowe na Twoim koncie Cargo VPN jest wyłączone",
    paragraphs: [
      "Na Twoim koncie Cargo VPN wyłączono logowanie dwuskładnikowe ({time}). Do zalogowania wystarczy teraz samo hasło, a Twoje kody odzyskiwania przestały działać.",
      "Jeśli to nie Ty, od razu zresetuj hasło („Nie pamiętasz hasła?” na ekranie logowania w oknie rozszerzenia Cargo VPN) i ponownie włącz logowanie dwuskładnikowe.",
    ],
  },
  recoveryCodeUsed: {
    subject: "Do zalogowania na Twoje konto Cargo VPN użyto kodu odzyskiwania",
    paragraphs: [
      "Do zalogowania na Twoje konto Cargo VPN użyto kodu odzyskiwania zamiast kodu z aplikacji uwierzytelniającej:\n\nUrządzenie: {device} ({kind})\nCzas: {time}\nPozostałe kody odzyskiwania: {codesLeft}",
      "Ten kod nie zadziała ponownie. Jeśli to nie Ty, zmień hasło i wygeneruj nowe kody odzyskiwania w sekcji „Konto” w oknie rozszerzenia Cargo VPN.",
    ],
  },
  passkeyAdded: {
    subject: "Do Twojego konta Cargo VPN dodano klucz dostępu",
    paragraphs: [
      "Do Twojego konta Cargo VPN dodano klucz dostępu ({time}). Od teraz może on zamiast kodu dokończyć logowanie.",
      "Jeśli to nie Ty, usuń go w sekcji „Konto” w oknie rozszerzenia Cargo VPN i od razu zmień hasło.",
    ],
  },
  passkeyRemoved: {
    subject: "Z Twojego konta Cargo VPN usunięto klucz dostępu",
    paragraphs: [
      "Z Twojego konta Cargo VPN usunięto klucz dostępu ({time}); nie można się już nim zalogować.",
      "Jeśli to nie Ty, od razu zmień hasło.",
    ],
  },
};
