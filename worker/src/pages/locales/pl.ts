/** Strony konta po polsku (forma „Ty” wielką literą, jak w mailach; bez form zależnych od płci; „klucz dostępu”, „logowanie”, „urządzenie” jak w rozszerzeniu). */
import type { PageCatalogue } from "../page-catalogue";

export const pl: PageCatalogue = {
  needsScript: "Aby potwierdzić, ta strona potrzebuje JavaScriptu: uruchamia tylko własny skrypt tej witryny.",
  verifyEmail: {
    title: "Potwierdź adres e-mail",
    intro: "Potwierdź, że ten adres e-mail należy do Twojego konta Cargo VPN.",
    submit: "Potwierdź mój adres e-mail",
  },
  resetPassword: {
    title: "Ustaw nowe hasło",
    intro:
      "Z Twojego hasła na tym urządzeniu powstają klucze; samo hasło nigdy do nas nie trafia. Wszystkie urządzenia zostaną wylogowane.",
    username: "Twoja nazwa użytkownika",
    usernameHint:
      "Nazwa, której używasz do logowania. Odczytać ją mogą tylko Twoje urządzenia, dlatego prosimy o nią, aby znów zabezpieczyć ją nowym hasłem.",
    newPassword: "Nowe hasło",
    passwordHint: {
      one: "Co najmniej {count} znak. Najlepsze jest długie zdanie.",
      few: "Co najmniej {count} znaki. Najlepsze jest długie zdanie.",
      many: "Co najmniej {count} znaków. Najlepsze jest długie zdanie.",
      other: "Co najmniej {count} znaku. Najlepsze jest długie zdanie.",
    },
    repeatPassword: "Powtórz nowe hasło",
    submit: "Ustaw nowe hasło",
  },
  undoEmailChange: {
    title: "Cofnij zmianę adresu e-mail",
    intro:
      "To anuluje zmianę adresu e-mail Twojego konta Cargo VPN albo przywraca ten adres, jeśli zmiana już nastąpiła, i wylogowuje wszystkie urządzenia. Potem ustaw nowe hasło: „Nie pamiętasz hasła?” na ekranie logowania w oknie rozszerzenia Cargo VPN wyśle link na ten adres.",
    submit: "Cofnij zmianę i wyloguj wszystkie urządzenia",
  },
  deleteAccount: {
    title: "Usuń konto",
    intro:
      "To usuwa Twoje konto Cargo VPN i wszystko, co o nim przechowujemy: urządzenia, historię użycia, ustawienia. Tego nie da się cofnąć.",
    understood: "Rozumiem, że moje konto i jego dane zostaną usunięte na zawsze.",
    submit: "Usuń moje konto",
  },
  passkeys: {
    title: "Dodaj klucz dostępu",
    intro:
      "Klucz dostępu na tym urządzeniu (albo klucz bezpieczeństwa) będzie mógł potem dokończyć logowanie do Cargo VPN po podaniu hasła.",
    label: "Nazwa tego klucza dostępu (opcjonalnie)",
    submit: "Utwórz klucz dostępu",
  },
  passkeySignIn: {
    title: "Zaloguj się kluczem dostępu",
    intro: "Hasło było poprawne. Użyj klucza dostępu, aby dokończyć; rozszerzenie zakończy logowanie.",
    submit: "Użyj mojego klucza dostępu",
  },
  script: {
    needsLink: "Ta strona potrzebuje pełnego linku z wiadomości. Otwórz link jeszcze raz albo skopiuj go w całości do paska adresu.",
    needsExtension: "Otwórz tę stronę z rozszerzenia: link, który ono otwiera, zawiera to, czego potrzebuje ten krok.",
    confirming: "Potwierdzanie…",
    emailConfirmed: "Twój adres e-mail jest potwierdzony. Możesz zamknąć tę stronę.",
    usernameInvalid: "Wpisz nazwę użytkownika, której używasz do logowania.",
    passwordTooShort: {
      one: "Wybierz hasło o długości co najmniej {count} znaku.",
      few: "Wybierz hasło o długości co najmniej {count} znaków.",
      many: "Wybierz hasło o długości co najmniej {count} znaków.",
      other: "Wybierz hasło o długości co najmniej {count} znaku.",
    },
    passwordsDiffer: "Hasła się różnią. Wpisz dwa razy to samo hasło.",
    deriving: "Tworzenie kluczy na tym urządzeniu (kilka sekund)…",
    passwordChanged: "Hasło zostało zmienione, a wszystkie urządzenia wylogowane. Zaloguj się ponownie nowym hasłem.",
    tickTheBox: "Zaznacz pole, aby potwierdzić, że rozumiesz, że tego nie da się cofnąć.",
    deleting: "Usuwanie…",
    deleted: "Twoje konto i wszystkie jego dane zostały usunięte. Potwierdzi to ostatnia wiadomość.",
    undoing: "Cofanie zmiany…",
    undone:
      "Zmiana adresu e-mail została cofnięta, a wszystkie urządzenia wylogowane. Ustaw teraz nowe hasło: „Nie pamiętasz hasła?” na ekranie logowania w oknie rozszerzenia Cargo VPN wyśle link na ten adres.",
    passkeyCreating: "Postępuj zgodnie z poleceniami przeglądarki, aby utworzyć klucz dostępu…",
    passkeyRegistered:
      "Klucz dostępu jest zarejestrowany. Przy logowaniu, po podaniu hasła, pojawi się prośba o ten klucz. Możesz zamknąć tę stronę.",
    passkeyUsing: "Postępuj zgodnie z poleceniami przeglądarki, aby użyć klucza dostępu…",
    passkeySignedIn: "Gotowe: rozszerzenie kończy logowanie. Możesz zamknąć tę stronę.",
    passkeyCancelled: "Przeglądarka nie utworzyła ani nie użyła klucza dostępu (anulowano lub jest niedostępny). Spróbuj ponownie.",
    invalidToken: "Ten link jest już nieważny: został użyty, wygasł albo skopiowano go tylko w części. Poproś o nowy.",
    usernameMismatch: "To nie jest nazwa użytkownika tego konta. Wpisz nazwę, której używasz do logowania.",
    rateLimited: "Zbyt wiele prób. Odczekaj chwilę i spróbuj ponownie.",
    rateLimitedWait: "Zbyt wiele prób. Spróbuj ponownie {wait}.",
    busyWait: "Usługa Cargo VPN jest przeciążona. Spróbuj ponownie {wait}.",
    tryAgainNow: "Możesz już spróbować ponownie.",
    network: "Nie można połączyć się z serwerem. Sprawdź połączenie i spróbuj ponownie.",
    validation: "Niektóre dane są nieprawidłowe. Sprawdź je i spróbuj ponownie.",
    unknown: "Coś poszło nie tak. Spróbuj ponownie później.",
    invalidTicket: "Ten link do klucza dostępu wygasł albo został już użyty. Otwórz go ponownie z rozszerzenia.",
    invalidChallenge: "Ten krok wygasł albo został już użyty. Zacznij od nowa w rozszerzeniu.",
    invalidPasskey: "Klucz dostępu nie został zaakceptowany. Spróbuj ponownie albo użyj innego klucza dostępu.",
    passkeyLimit: {
      one: "Konto może mieć najwyżej {count} klucz dostępu. Najpierw usuń któryś w sekcji „Konto” w oknie rozszerzenia Cargo VPN.",
      few: "Konto może mieć najwyżej {count} klucze dostępu. Najpierw usuń któryś w sekcji „Konto” w oknie rozszerzenia Cargo VPN.",
      many: "Konto może mieć najwyżej {count} kluczy dostępu. Najpierw usuń któryś w sekcji „Konto” w oknie rozszerzenia Cargo VPN.",
      other: "Konto może mieć najwyżej {count} klucza dostępu. Najpierw usuń któryś w sekcji „Konto” w oknie rozszerzenia Cargo VPN.",
    },
  },
};
