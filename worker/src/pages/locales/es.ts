/** Las páginas de la cuenta en español (tuteo, como la extensión y los correos; «llave de acceso», «iniciar sesión», «dispositivo»). */
import type { PageCatalogue } from "../page-catalogue";

export const es: PageCatalogue = {
  needsScript: "Esta página necesita JavaScript para confirmar: solo ejecuta el propio script de este sitio.",
  verifyEmail: {
    title: "Confirma tu dirección de correo",
    intro: "Confirma que esta dirección de correo pertenece a tu cuenta de Cargo VPN.",
    submit: "Confirmar mi dirección de correo",
  },
  resetPassword: {
    title: "Elige una contraseña nueva",
    intro: "Tu contraseña se convierte en claves en este dispositivo y nunca se nos envía. Se cerrará la sesión en todos los dispositivos.",
    username: "Tu nombre de usuario",
    usernameHint:
      "El nombre con el que inicias sesión. Solo tus dispositivos pueden leerlo, así que te lo pedimos para volver a protegerlo con la contraseña nueva.",
    newPassword: "Contraseña nueva",
    passwordHint: {
      one: "Al menos {count} carácter. Lo mejor es una frase larga.",
      many: "Al menos {count} de caracteres. Lo mejor es una frase larga.",
      other: "Al menos {count} caracteres. Lo mejor es una frase larga.",
    },
    repeatPassword: "Repite la contraseña nueva",
    submit: "Guardar la contraseña nueva",
  },
  undoEmailChange: {
    title: "Deshacer el cambio de correo",
    intro:
      "Esto cancela el cambio de la dirección de correo de tu cuenta de Cargo VPN, o recupera esta dirección si el cambio ya se hizo, y cierra la sesión en todos los dispositivos. Después elige una contraseña nueva: «¿Olvidaste la contraseña?», en la pantalla de inicio de sesión de la ventana de Cargo VPN, te envía un enlace a esta dirección.",
    submit: "Deshacer el cambio y cerrar todas las sesiones",
  },
  deleteAccount: {
    title: "Eliminar tu cuenta",
    intro:
      "Esto elimina tu cuenta de Cargo VPN y todo lo que guardamos sobre ella: dispositivos, historial de uso y ajustes. No se puede deshacer.",
    understood: "Entiendo que mi cuenta y sus datos se eliminarán para siempre.",
    submit: "Eliminar mi cuenta",
  },
  passkeys: {
    title: "Añadir una llave de acceso",
    intro:
      "Una llave de acceso en este dispositivo (o una llave de seguridad) podrá completar después tu inicio de sesión en Cargo VPN, tras tu contraseña.",
    label: "Nombre de esta llave de acceso (opcional)",
    submit: "Crear una llave de acceso",
  },
  passkeySignIn: {
    title: "Inicia sesión con tu llave de acceso",
    intro: "Tu contraseña era correcta. Usa tu llave de acceso para terminar; la extensión completa el inicio de sesión.",
    submit: "Usar mi llave de acceso",
  },
  script: {
    needsLink: "Esta página necesita el enlace completo del correo. Vuelve a abrir el enlace o cópialo entero en la barra de direcciones.",
    needsExtension: "Abre esta página desde la extensión: el enlace que abre lleva lo que este paso necesita.",
    confirming: "Confirmando…",
    emailConfirmed: "Tu dirección de correo está confirmada. Ya puedes cerrar esta página.",
    usernameInvalid: "Escribe el nombre de usuario con el que inicias sesión.",
    passwordTooShort: {
      one: "Elige una contraseña de al menos {count} carácter.",
      many: "Elige una contraseña de al menos {count} de caracteres.",
      other: "Elige una contraseña de al menos {count} caracteres.",
    },
    passwordsDiffer: "Las dos contraseñas no coinciden. Escribe la misma contraseña dos veces.",
    deriving: "Generando tus claves en este dispositivo (unos segundos)…",
    passwordChanged:
      "Tu contraseña se ha cambiado y se ha cerrado la sesión en todos los dispositivos. Vuelve a iniciar sesión con la contraseña nueva.",
    tickTheBox: "Marca la casilla para confirmar que entiendes que esto no se puede deshacer.",
    deleting: "Eliminando…",
    deleted: "Tu cuenta y todos sus datos se han eliminado. Un último mensaje te lo confirmará.",
    undoing: "Deshaciendo el cambio…",
    undone:
      "El cambio de correo se ha deshecho y se ha cerrado la sesión en todos los dispositivos. Elige ahora una contraseña nueva: «¿Olvidaste la contraseña?», en la pantalla de inicio de sesión de la ventana de Cargo VPN, te envía un enlace a esta dirección.",
    passkeyCreating: "Sigue las indicaciones de tu navegador para crear una llave de acceso…",
    passkeyRegistered:
      "Tu llave de acceso está registrada. Al iniciar sesión se te pedirá después de la contraseña. Ya puedes cerrar esta página.",
    passkeyUsing: "Sigue las indicaciones de tu navegador para usar tu llave de acceso…",
    passkeySignedIn: "Listo: la extensión está terminando tu inicio de sesión. Ya puedes cerrar esta página.",
    passkeyCancelled: "El navegador no creó ni usó ninguna llave de acceso (se canceló o no está disponible). Vuelve a intentarlo.",
    invalidToken: "Este enlace ya no es válido: ya se usó, caducó o se copió incompleto. Pide uno nuevo.",
    usernameMismatch: "Ese no es el nombre de usuario de esta cuenta. Escribe el nombre con el que inicias sesión.",
    rateLimited: "Demasiados intentos. Espera un poco y vuelve a intentarlo.",
    rateLimitedWait: "Demasiados intentos. Vuelve a intentarlo {wait}.",
    busyWait: "El servicio de Cargo VPN está saturado. Vuelve a intentarlo {wait}.",
    tryAgainNow: "Ya puedes volver a intentarlo.",
    network: "No se pudo contactar con el servidor. Comprueba tu conexión y vuelve a intentarlo.",
    validation: "Algunos datos no son válidos. Revísalos y vuelve a intentarlo.",
    unknown: "Algo salió mal. Vuelve a intentarlo más tarde.",
    invalidTicket: "Este enlace de llave de acceso caducó o ya se usó. Vuelve a abrirlo desde la extensión.",
    invalidChallenge: "Este paso caducó o ya se usó. Vuelve a empezar desde la extensión.",
    invalidPasskey: "La llave de acceso no fue aceptada. Vuelve a intentarlo o usa otra llave de acceso.",
    passkeyLimit: {
      one: "Una cuenta puede tener como máximo {count} llave de acceso. Quita una primero en «Cuenta», en la ventana de Cargo VPN.",
      many: "Una cuenta puede tener como máximo {count} de llaves de acceso. Quita una primero en «Cuenta», en la ventana de Cargo VPN.",
      other: "Una cuenta puede tener como máximo {count} llaves de acceso. Quita una primero en «Cuenta», en la ventana de Cargo VPN.",
    },
  },
};
