/** Die Kontoseiten auf Deutsch (Sie-Form, wie die Mails; Begriffe wie im Popup: Passwort, Passkey, Gerät, anmelden). */
import type { PageCatalogue } from "../page-catalogue";

export const de: PageCatalogue = {
  needsScript: "Zum Bestätigen braucht diese Seite JavaScript; sie führt nur das eigene Skript dieser Website aus.",
  verifyEmail: {
    title: "Bestätigen Sie Ihre E-Mail-Adresse",
    intro: "Bestätigen Sie, dass diese E-Mail-Adresse zu Ihrem Cargo-VPN-Konto gehört.",
    submit: "Meine E-Mail-Adresse bestätigen",
  },
  resetPassword: {
    title: "Neues Passwort festlegen",
    intro:
      "Aus Ihrem Passwort werden auf diesem Gerät Schlüssel abgeleitet; das Passwort selbst wird nie an uns gesendet. Alle Geräte werden abgemeldet.",
    username: "Ihr Benutzername",
    usernameHint:
      "Der Name, mit dem Sie sich anmelden. Nur Ihre Geräte können ihn lesen; deshalb fragen wir danach, um ihn mit dem neuen Passwort wieder zu verschließen.",
    newPassword: "Neues Passwort",
    passwordHint: {
      one: "Mindestens {count} Zeichen. Am besten ist ein langer Satz.",
      other: "Mindestens {count} Zeichen. Am besten ist ein langer Satz.",
    },
    repeatPassword: "Neues Passwort wiederholen",
    submit: "Neues Passwort festlegen",
  },
  undoEmailChange: {
    title: "Änderung der E-Mail-Adresse rückgängig machen",
    intro:
      "Damit brechen Sie die Änderung der E-Mail-Adresse Ihres Cargo-VPN-Kontos ab oder stellen diese Adresse wieder her, falls die Änderung schon durchgeführt wurde, und alle Geräte werden abgemeldet. Legen Sie danach ein neues Passwort fest: „Passwort vergessen?“ auf dem Anmeldebildschirm des Cargo-VPN-Popups schickt Ihnen einen Link an diese Adresse.",
    submit: "Änderung rückgängig machen und alle abmelden",
  },
  deleteAccount: {
    title: "Ihr Konto löschen",
    intro:
      "Damit löschen Sie Ihr Cargo-VPN-Konto und alles, was dazu gespeichert ist: Geräte, Nutzungsverlauf, Einstellungen. Das lässt sich nicht rückgängig machen.",
    understood: "Mir ist klar, dass mein Konto und seine Daten endgültig gelöscht werden.",
    submit: "Mein Konto löschen",
  },
  passkeys: {
    title: "Passkey hinzufügen",
    intro:
      "Ein Passkey auf diesem Gerät (oder ein Sicherheitsschlüssel) kann dann nach Ihrem Passwort die Anmeldung bei Cargo VPN abschließen.",
    label: "Name für diesen Passkey (optional)",
    submit: "Passkey erstellen",
  },
  passkeySignIn: {
    title: "Mit Ihrem Passkey anmelden",
    intro: "Ihr Passwort war richtig. Verwenden Sie jetzt Ihren Passkey; die Erweiterung schließt die Anmeldung dann ab.",
    submit: "Meinen Passkey verwenden",
  },
  script: {
    needsLink:
      "Diese Seite braucht den vollständigen Link aus der E-Mail. Öffnen Sie den Link erneut oder kopieren Sie ihn vollständig in die Adressleiste.",
    needsExtension: "Öffnen Sie diese Seite aus der Erweiterung: Der Link, den sie öffnet, enthält, was dieser Schritt braucht.",
    confirming: "Wird bestätigt …",
    emailConfirmed: "Ihre E-Mail-Adresse ist bestätigt. Sie können diese Seite schließen.",
    usernameInvalid: "Geben Sie den Benutzernamen ein, mit dem Sie sich anmelden.",
    passwordTooShort: {
      one: "Wählen Sie ein Passwort mit mindestens {count} Zeichen.",
      other: "Wählen Sie ein Passwort mit mindestens {count} Zeichen.",
    },
    passwordsDiffer: "Die beiden Passwörter stimmen nicht überein. Geben Sie zweimal dasselbe Passwort ein.",
    deriving: "Ihre Schlüssel werden auf diesem Gerät abgeleitet (einige Sekunden) …",
    passwordChanged: "Ihr Passwort ist geändert, und alle Geräte wurden abgemeldet. Melden Sie sich mit dem neuen Passwort wieder an.",
    tickTheBox: "Setzen Sie das Häkchen, um zu bestätigen, dass Ihnen klar ist: Das lässt sich nicht rückgängig machen.",
    deleting: "Wird gelöscht …",
    deleted: "Ihr Konto und alle seine Daten sind gelöscht. Eine letzte Nachricht bestätigt es Ihnen.",
    undoing: "Die Änderung wird rückgängig gemacht …",
    undone:
      "Die Änderung der E-Mail-Adresse ist rückgängig gemacht, und alle Geräte sind abgemeldet. Legen Sie jetzt ein neues Passwort fest: „Passwort vergessen?“ auf dem Anmeldebildschirm des Cargo-VPN-Popups schickt Ihnen einen Link an diese Adresse.",
    passkeyCreating: "Folgen Sie der Aufforderung Ihres Browsers, um einen Passkey zu erstellen …",
    passkeyRegistered:
      "Ihr Passkey ist registriert. Bei der Anmeldung wird er nach Ihrem Passwort abgefragt. Sie können diese Seite schließen.",
    passkeyUsing: "Folgen Sie der Aufforderung Ihres Browsers, um Ihren Passkey zu verwenden …",
    passkeySignedIn: "Fertig: Die Erweiterung schließt Ihre Anmeldung ab. Sie können diese Seite schließen.",
    passkeyCancelled: "Der Browser hat keinen Passkey erstellt oder verwendet (abgebrochen oder nicht verfügbar). Versuchen Sie es erneut.",
    invalidToken:
      "Dieser Link ist nicht mehr gültig: Er wurde schon verwendet, ist abgelaufen oder wurde unvollständig kopiert. Fordern Sie einen neuen an.",
    usernameMismatch: "Das ist nicht der Benutzername dieses Kontos. Geben Sie den Namen ein, mit dem Sie sich anmelden.",
    rateLimited: "Zu viele Versuche. Warten Sie etwas und versuchen Sie es dann erneut.",
    rateLimitedWait: "Zu viele Versuche. Versuchen Sie es {wait} erneut.",
    busyWait: "Der Cargo-VPN-Dienst ist ausgelastet. Versuchen Sie es {wait} erneut.",
    tryAgainNow: "Sie können es jetzt erneut versuchen.",
    network: "Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    validation: "Einige Angaben sind ungültig. Prüfen Sie sie und versuchen Sie es erneut.",
    unknown: "Etwas ist schiefgelaufen. Versuchen Sie es später erneut.",
    invalidTicket: "Dieser Passkey-Link ist abgelaufen oder wurde schon verwendet. Öffnen Sie ihn erneut aus der Erweiterung.",
    invalidChallenge: "Dieser Schritt ist abgelaufen oder wurde schon verwendet. Beginnen Sie erneut in der Erweiterung.",
    invalidPasskey: "Der Passkey wurde nicht akzeptiert. Versuchen Sie es erneut oder verwenden Sie einen anderen Passkey.",
    passkeyLimit: {
      one: "Ein Konto kann höchstens {count} Passkey haben. Entfernen Sie zuerst einen unter „Konto“ im Cargo-VPN-Popup.",
      other: "Ein Konto kann höchstens {count} Passkeys haben. Entfernen Sie zuerst einen unter „Konto“ im Cargo-VPN-Popup.",
    },
  },
};
