/** Die Mails auf Deutsch (Sie-Form, wie Dienste hierzulande schreiben). */
import type { MailCatalogue } from "../catalogue";

export const de: MailCatalogue = {
  signature: "— Cargo VPN",
  devices: { one: "{count} Gerät", other: "{count} Geräte" },
  verify: {
    subject: "Bestätigen Sie Ihre E-Mail-Adresse für Cargo VPN",
    paragraphs: [
      "Öffnen Sie diesen Link, um zu bestätigen, dass diese Adresse zu Ihrem Cargo-VPN-Konto gehört:",
      "{link}",
      "Der Link funktioniert einmal und ist 24 Stunden gültig. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht einfach.",
    ],
  },
  reset: {
    subject: "Neues Passwort für Cargo VPN festlegen",
    paragraphs: [
      "Jemand (hoffentlich Sie) möchte das Passwort des Cargo-VPN-Kontos mit dieser Adresse zurücksetzen. Über diesen Link legen Sie ein neues fest:",
      "{link}",
      "Der Link funktioniert einmal und ist 1 Stunde gültig. Danach werden alle Geräte abgemeldet. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Es ändert sich nichts.",
    ],
  },
  deletion: {
    subject: "Löschung Ihres Cargo-VPN-Kontos bestätigen",
    paragraphs: [
      "Jemand (hoffentlich Sie) möchte das Cargo-VPN-Konto mit dieser Adresse und alle Daten dazu löschen. Öffnen Sie diesen Link, um das zu bestätigen:",
      "{link}",
      "Gelöscht wird erst, wenn Sie auf dieser Seite bestätigen. Der Link funktioniert einmal und ist 1 Stunde gültig. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.",
    ],
  },
  newDevice: {
    subject: "Neue Anmeldung bei Ihrem Cargo-VPN-Konto",
    paragraphs: [
      "Ein Gerät hat sich bei Ihrem Cargo-VPN-Konto angemeldet:\n\nGerät: {device} ({kind})\nZeit: {time}",
      "Der Gerätename ist der, den das Gerät sich selbst gegeben hat. Cargo VPN setzt nie Links oder Anweisungen hinein.",
      "Wenn Sie das waren, ist nichts zu tun. Wenn nicht, ändern Sie Ihr Passwort und entfernen Sie das Gerät unter „Geräte“ im Cargo-VPN-Popup (die Schaltfläche in der Symbolleiste).",
      "Diese Nachrichten können Sie unter „Konto“ im Cargo-VPN-Popup abschalten: „E-Mail senden, wenn sich ein neues Gerät anmeldet“.",
    ],
  },
  passwordChanged: {
    subject: "Ihr Cargo-VPN-Passwort wurde geändert",
    paragraphs: [
      "Das Passwort Ihres Cargo-VPN-Kontos wurde am {time} geändert, und die anderen Geräte wurden abgemeldet.",
      "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück: „Passwort vergessen?“ auf dem Anmeldebildschirm des Cargo-VPN-Popups schickt Ihnen einen Link an diese Adresse.",
    ],
  },
  emailChanged: {
    subject: "Die E-Mail-Adresse Ihres Cargo-VPN-Kontos wurde geändert",
    paragraphs: [
      "Die E-Mail-Adresse Ihres Cargo-VPN-Kontos wurde am {time} geändert: Die neue Adresse hat die Änderung bestätigt. Nachrichten gehen ab jetzt dorthin.",
      "Wenn Sie das nicht waren, öffnen Sie den Link in unserer vorigen Nachricht zu dieser Änderung: Bis 3 Tage nach der Anfrage macht er die Änderung rückgängig und meldet alle Geräte ab.",
    ],
  },
  emailChangeRequested: {
    subject: "Die E-Mail-Adresse Ihres Cargo-VPN-Kontos soll geändert werden",
    paragraphs: [
      "Am {time} hat jemand, der bei Ihrem Cargo-VPN-Konto angemeldet ist, eine neue E-Mail-Adresse dafür angegeben. Solange die neue Adresse das nicht bestätigt, ändert sich nichts, und Nachrichten kommen weiter hierher.",
      "Wenn Sie das nicht waren, öffnen Sie diesen Link. Er bricht die Änderung ab (oder macht sie rückgängig, falls die neue Adresse sie schon bestätigt hat) und meldet alle Geräte ab:",
      "{link}",
      "Der Link funktioniert einmal und 3 Tage lang. Ändern Sie danach Ihr Passwort („Passwort vergessen?“ auf dem Anmeldebildschirm schickt Ihnen einen Link an diese Adresse).",
    ],
  },
  emailChangeUndone: {
    subject: "Die Änderung der E-Mail-Adresse Ihres Cargo-VPN-Kontos wurde rückgängig gemacht",
    paragraphs: [
      "Am {time} wurde die Änderung der E-Mail-Adresse Ihres Cargo-VPN-Kontos mit dem Link rückgängig gemacht, den wir hierher geschickt hatten, und alle Geräte wurden abgemeldet. Nachrichten kommen wieder an diese Adresse.",
      "Legen Sie jetzt ein neues Passwort fest: „Passwort vergessen?“ auf dem Anmeldebildschirm schickt Ihnen einen Link an diese Adresse.",
    ],
  },
  accountDeleted: {
    subject: "Ihr Cargo-VPN-Konto wurde gelöscht",
    paragraphs: [
      "Ihr Cargo-VPN-Konto und alles, was dazu gespeichert war, wurden am {time} gelöscht. Sein Schlüssel wurde vernichtet, sodass sich keine Kopie mehr lesen lässt.",
      "Dies ist die letzte Nachricht von uns. Danke, dass Sie Cargo VPN genutzt haben.",
    ],
  },
  planChanged: {
    subject: "Ihr Cargo-VPN-Tarif ist jetzt {plan}",
    paragraphs: [
      "Ihr Cargo-VPN-Konto hat jetzt den Tarif {plan}: bis zu {devices} gleichzeitig.",
      "{stay} Wenn Sie diese Änderung nicht erwartet haben, prüfen Sie Ihr Abo unter „Konto“ im Cargo-VPN-Popup.",
    ],
  },
  planStay: "Bereits angemeldete Geräte bleiben angemeldet.",
  planStayUntil:
    "Bereits angemeldete Geräte bleiben bis {until} angemeldet. Danach behalten die {devices}, die zuletzt genutzt wurden, ihren Platz, und die übrigen werden abgemeldet. Wenn Sie selbst wählen möchten, welche bleiben, entfernen Sie vorher Geräte unter „Geräte“ im Cargo-VPN-Popup.",
  twoFactorEnabled: {
    subject: "Zwei-Faktor-Anmeldung für Ihr Cargo-VPN-Konto ist eingeschaltet",
    paragraphs: [
      "Die Zwei-Faktor-Anmeldung wurde am {time} für Ihr Cargo-VPN-Konto eingeschaltet. Ab jetzt brauchen Sie zum Anmelden Ihr Passwort und einen Code aus Ihrer Authenticator-App (oder einen Ihrer Wiederherstellungscodes).",
      "Bewahren Sie Ihre Wiederherstellungscodes sicher auf: Falls Sie die App verlieren, meldet jeder davon Sie einmal an.",
      "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück: „Passwort vergessen?“ auf dem Anmeldebildschirm des Cargo-VPN-Popups schickt Ihnen einen Link an diese Adresse.",
    ],
  },
  twoFactorDisabled: {
    subject: "Zwei-Faktor-Anmeldung für Ihr Cargo-VPN-Konto ist ausgeschaltet",
    paragraphs: [
      "Die Zwei-Faktor-Anmeldung wurde am {time} für Ihr Cargo-VPN-Konto ausgeschaltet. Zum Anmelden genügt jetzt Ihr Passwort, und Ihre Wiederherstellungscodes gelten nicht mehr.",
      "Wenn Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück („Passwort vergessen?“ auf dem Anmeldebildschirm des Cargo-VPN-Popups) und schalten Sie die Zwei-Faktor-Anmeldung wieder ein.",
    ],
  },
  recoveryCodeUsed: {
    subject: "Ein Wiederherstellungscode wurde zur Anmeldung bei Ihrem Cargo-VPN-Konto verwendet",
    paragraphs: [
      "Statt eines Codes aus der Authenticator-App wurde ein Wiederherstellungscode verwendet, um sich bei Ihrem Cargo-VPN-Konto anzumelden:\n\nGerät: {device} ({kind})\nZeit: {time}\nVerbleibende Wiederherstellungscodes: {codesLeft}",
      "Dieser Code funktioniert nicht noch einmal. Wenn Sie das nicht waren, ändern Sie Ihr Passwort und ersetzen Sie Ihre Wiederherstellungscodes unter „Konto“ im Cargo-VPN-Popup.",
    ],
  },
  passkeyAdded: {
    subject: "Ihrem Cargo-VPN-Konto wurde ein Passkey hinzugefügt",
    paragraphs: [
      "Am {time} wurde für Ihr Cargo-VPN-Konto ein Passkey registriert. Er kann jetzt statt eines Codes eine Anmeldung abschließen.",
      "Wenn Sie das nicht waren, entfernen Sie ihn unter „Konto“ im Cargo-VPN-Popup und ändern Sie sofort Ihr Passwort.",
    ],
  },
  passkeyRemoved: {
    subject: "Ein Passkey wurde von Ihrem Cargo-VPN-Konto entfernt",
    paragraphs: [
      "Am {time} wurde ein Passkey von Ihrem Cargo-VPN-Konto entfernt; er meldet nicht mehr an.",
      "Wenn Sie das nicht waren, ändern Sie sofort Ihr Passwort.",
    ],
  },
};
